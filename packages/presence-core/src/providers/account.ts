// The account a vendor counts its quotas against, which every limiter (in process, or a fleet's
// through Redis) is keyed by.
import { ConfigurationError, credentialsFromEnvironment } from '@rollcall/runtime';

/** What each vendor's provider options add to its client's: the account, when it cannot be read. */
export interface AccountOption {
  /**
   * What the vendor counts the quota against (the access key id, SDKAppID or Customer ID of the
   * account). Read from static credentials or the environment; with a credentials provider it must
   * be named: temporary keys change at every refresh (STS issues a new access key id each time)
   * while the vendor keeps counting the same account, and every process of a fleet must use one key.
   */
  account?: string | undefined;
}

/**
 * The account: `account` as given, else the credentials' `field`, else the environment variable the
 * client itself reads its credentials from.
 */
export function accountOf(vendor: string, options: AccountOption & { credentials?: unknown }, field: string, environmentName: string): string {
  if (options.account !== undefined) return options.account;
  const { credentials } = options;
  // Read as the client reads it; without it, the client itself refuses first, naming every variable it reads.
  if (credentials === undefined) return credentialsFromEnvironment(vendor, { [field]: environmentName }, [])[field] ?? '';
  const value = typeof credentials === 'object' && credentials !== null ? (credentials as Record<string, unknown>)[field] : undefined;
  if (value === undefined || typeof credentials === 'function' || (typeof credentials === 'object' && 'getCredential' in (credentials as object))) {
    throw new ConfigurationError(
      `${vendor}: with a credentials provider, name the account the quota counts against (account: the ${field} of the account): temporary keys change as they refresh`,
    );
  }
  return String(value);
}
