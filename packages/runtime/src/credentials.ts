// Credentials that may expire. A client takes its vendor's credentials as they are, or a provider:
// an async function returning them and, optionally, when they expire (`expiration`, a Date — AWS SDK
// v3's credential providers' shape). The engine asks for the credentials at every attempt, so each
// is signed with the ones current then; a provider's are cached, refreshed ahead of their expiry,
// fetched once for any number of concurrent calls, and fetched again once when the vendor refuses
// them (a token that expired on the vendor's clock before ours).
import { ConfigurationError, CredentialsError } from './errors.js';
import { redactSecrets } from './redact.js';

/** Credentials as a provider returns them: the vendor's fields, and when they stop working. */
export type ExpiringCredentials<C> = C & {
  /** When the credentials expire; absent, they are kept until the vendor refuses them. */
  readonly expiration?: Date | undefined;
};

/** An async function returning credentials (AWS SDK v3's `AwsCredentialIdentityProvider` shape). */
export type CredentialsProvider<C> = () => Promise<ExpiringCredentials<C>>;

/** A client's `credentials` option: the credentials themselves, or a provider of them. */
export type CredentialsOption<C> = C | CredentialsProvider<C>;

/**
 * A provider's credentials are refreshed this long before they expire (AWS SDK v3's five minutes),
 * or half their lifetime when they live less than ten minutes: credentials issued for an hour are
 * replaced at 55 minutes, ones issued for 2 s at 1 s.
 */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/** Where a client's credentials come from, asked by the engine at every attempt. */
export interface CredentialsSource<C> {
  /** The credentials to sign with at `now`, from the cache or a refresh. */
  current(now: Date): Promise<C>;
  /**
   * The vendor refused `refused`: fetch the provider's again (once for all calls that saw the same
   * refusal). True when they differ, so that signing the request again can help.
   */
  refreshAfterRefusal(refused: C, now: Date): Promise<boolean>;
}

/**
 * The source of `option`. Static credentials are checked here, before any call, with `check` (which
 * throws a ConfigurationError naming the missing field); a provider's are checked as they arrive,
 * and a provider that fails or returns unusable credentials gives a CredentialsError.
 */
export function credentialsSource<C extends object>(
  vendor: string,
  option: CredentialsOption<C> | undefined,
  check: (credentials: C) => void,
): CredentialsSource<C> {
  if (typeof option !== 'function') {
    const credentials = option ?? ({} as C);
    check(credentials);
    const fixed = Promise.resolve(credentials);
    return { current: () => fixed, refreshAfterRefusal: async () => false };
  }
  const provider = option as CredentialsProvider<C>;
  let cached: { credentials: C; refreshAtMs: number; expiresAtMs: number } | undefined;
  let refreshing: Promise<C> | undefined;

  const refresh = (now: Date): Promise<C> => {
    refreshing ??= (async () => {
      const fresh = await fetchChecked(vendor, provider, check, cached?.credentials);
      const expiresAtMs = fresh.expiration === undefined ? Number.POSITIVE_INFINITY : fresh.expiration.getTime();
      const lifetimeMs = expiresAtMs - now.getTime();
      // Also false for an expiration that is not a valid Date (NaN).
      if (!(lifetimeMs > 0)) {
        throw new CredentialsError(`${vendor}: the credentials provider returned an expiration that has passed or is not a date: ${String(fresh.expiration)}`);
      }
      const { expiration: _, ...credentials } = fresh as C & { expiration?: Date };
      cached = { credentials: credentials as C, expiresAtMs, refreshAtMs: expiresAtMs - Math.min(CREDENTIALS_REFRESH_MARGIN_MS, lifetimeMs / 2) };
      return cached.credentials;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const current = async (now: Date): Promise<C> => {
    const at = now.getTime();
    if (cached && at < cached.refreshAtMs) return cached.credentials;
    if (cached && at < cached.expiresAtMs) {
      // Inside the margin: refresh, but a failed refresh still leaves credentials that work.
      const stillValid = cached.credentials;
      return refresh(now).catch((error) => (cached?.credentials === stillValid && at < cached.expiresAtMs ? stillValid : Promise.reject(error)));
    }
    return refresh(now);
  };

  return {
    current,
    async refreshAfterRefusal(refused, now) {
      // The first call to see this refusal drops the credentials; the others find new ones (or the
      // refresh under way) and sign with them.
      if (cached?.credentials === refused) cached = undefined;
      const fresh = await current(now);
      return !sameCredentials(fresh, refused);
    },
  };
}

/** The provider's answer, checked: a CredentialsError (naming no secret) when it failed or cannot sign. */
async function fetchChecked<T extends object>(vendor: string, fetch: () => Promise<T>, check: (credentials: T) => void, last: object | undefined): Promise<T> {
  let fresh: T;
  try {
    fresh = await fetch();
  } catch (error) {
    // What the last credentials held stays out of the message, should the provider's error quote it.
    const reason = redactSecrets(error instanceof Error ? error.message : String(error), last ? secretsOf(last) : []);
    throw new CredentialsError(`${vendor}: the credentials provider failed: ${reason}`, { cause: error });
  }
  if (fresh === null || typeof fresh !== 'object') throw new CredentialsError(`${vendor}: the credentials provider returned no credentials`);
  try {
    check(fresh);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new CredentialsError(`${vendor}: the credentials provider returned unusable credentials: ${error.message.slice(vendor.length + 2)}`);
  }
  return fresh;
}

function secretsOf(credentials: object): string[] {
  return Object.values(credentials).filter((value): value is string => typeof value === 'string');
}

/** Field by field, in the order the provider wrote them (a provider writes its fields alike each time). */
function sameCredentials(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A source that asks `fetch` at every attempt: for a client of the vendor's own that caches and
 * refreshes credentials itself (Alibaba Cloud's `@alicloud/credentials`), whose cache decides.
 */
export function liveCredentialsSource<C extends object>(vendor: string, fetch: () => Promise<C>, check: (credentials: C) => void): CredentialsSource<C> {
  let last: C | undefined;
  const current = async () => (last = await fetchChecked(vendor, fetch, check, last));
  return { current, refreshAfterRefusal: async (refused) => !sameCredentials(await current(), refused) };
}

/**
 * Credentials from environment variables: `names` maps each field to its variable (the names the
 * vendor's own tools read, from the spec). A ConfigurationError names the `required` ones unset.
 */
export function credentialsFromEnvironment(
  vendor: string,
  names: Readonly<Record<string, string>>,
  required: readonly string[],
  env: Readonly<Record<string, string | undefined>> = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {},
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const field in names) {
    const value = env[names[field]!]?.trim();
    if (value) found[field] = value;
  }
  const missing = required.filter((field) => !(field in found)).map((field) => names[field]);
  if (missing.length)
    throw new ConfigurationError(`${vendor}: no credentials given, and the environment lacks ${missing.join(', ')} (of ${Object.values(names).join(', ')})`);
  return found;
}
