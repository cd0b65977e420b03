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

/** `text` with every secret (as sent, and percent-encoded) replaced by `REDACTED`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  for (const secret of secrets) {
    if (secret) for (const form of [secret, encodeURIComponent(secret)]) text = text.replaceAll(form, 'REDACTED');
  }
  return text;
}
