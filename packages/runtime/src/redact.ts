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
 * (UserSig, V1 signatures, security tokens), secret header values, and the `Signature=` inside an
 * Authorization header (a gateway may echo either).
 */
export function sentSecrets(request: { url: string; headers: Readonly<Record<string, string>>; body?: string | undefined }): string[] {
  const secrets = new Set<string>();
  const fromParams = (params: URLSearchParams) => {
    for (const [key, value] of params) if (SECRET_QUERY_PARAMS.includes(key.toLowerCase())) secrets.add(value);
  };
  const query = request.url.indexOf('?');
  if (query >= 0) fromParams(new URLSearchParams(request.url.slice(query + 1)));
  if (request.body && !request.body.trimStart().startsWith('{')) fromParams(new URLSearchParams(request.body));
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SECRET_HEADERS.includes(name.toLowerCase())) continue;
    secrets.add(value);
    for (const match of value.matchAll(/Signature=([^,\s]+)/g)) secrets.add(match[1]!);
  }
  return [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/** `text` with every secret replaced by `REDACTED`, as sent and in its percent-encoded forms. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
      out = out.split(form).join('REDACTED');
    }
  }
  return out;
}
