// Secrets never leave the client in anything printable.

/** Query parameters that carry a credential or a signature. */
const SECRET_QUERY_PARAMS = ['usersig', 'signature', 'securitytoken', 'x-security-token', 'accesskeysecret'];

/** The URL with every credential-bearing query value replaced by `REDACTED`. */
export function redactUrl(url: string): string {
  return url.replace(/([?&])([^=&#]+)=([^&#]*)/g, (match, sep: string, key: string) =>
    SECRET_QUERY_PARAMS.includes(decodeURIComponentSafe(key).toLowerCase()) ? `${sep}${key}=REDACTED` : match,
  );
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Headers that carry a credential or a signature. */
const SECRET_HEADERS = ['authorization', 'x-security-token', 'x-acs-security-token'];

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.includes(k.toLowerCase()) ? 'REDACTED' : v]));
}

/** Shorter values are not treated as secrets (redacting them would garble ordinary text). */
const MIN_SECRET_LENGTH = 8;

/**
 * Every credential-bearing value a signed request put on the wire: secret query and form values
 * (UserSig, V1 signatures, security tokens) and secret header values, with the `Signature=` inside
 * an Authorization header (a gateway may echo either).
 */
export function sentSecrets(request: { url: string; headers: Readonly<Record<string, string>>; body?: string | undefined }): string[] {
  const secrets: string[] = [];
  for (const [key, value] of new URLSearchParams(`${request.url.split('?')[1] ?? ''}&${request.body ?? ''}`)) {
    if (SECRET_QUERY_PARAMS.includes(key.toLowerCase())) secrets.push(value);
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (SECRET_HEADERS.includes(name.toLowerCase())) secrets.push(value, ...(value.match(/(?<=Signature=)[^,\s]+/g) ?? []));
  }
  return secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/** `text` with every secret replaced by `REDACTED`, as sent and percent-encoded. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    for (const form of [secret, encodeURIComponent(secret)]) text = text.replaceAll(form, 'REDACTED');
  }
  return text;
}
