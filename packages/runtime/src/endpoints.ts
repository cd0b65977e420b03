// Region → base URL, from the generated `servers` table.
import { ConfigurationError } from './errors.js';

export interface ServerEntry {
  readonly url: string;
  readonly region: string;
  readonly aliases: readonly string[];
  readonly fallbackUrl?: string;
  /** A URL template (`{region}`) that serves any region matching this pattern (Alibaba's regional rule). */
  readonly regionPattern?: string;
}

/** The spec's rule for the default region when none is given: by a credential's number (Tencent's SDKAppID). */
export interface DefaultRegionRule {
  readonly credential: string;
  readonly below: number;
  readonly region: string;
  readonly otherwise: string;
}

export interface EndpointChoice {
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  /** The region as the caller wrote it (an alias stays an alias: some vendors sign with it). */
  readonly region: string | undefined;
  /** The region of the server chosen, as the spec names it (undefined with an `endpoint`). */
  readonly serverRegion: string | undefined;
}

/** The region the spec's rule picks for these credentials. */
export function defaultRegionFor(rule: DefaultRegionRule, credentials: object): string {
  const value = (credentials as Record<string, unknown>)[rule.credential];
  return typeof value === 'number' && value < rule.below ? rule.region : rule.otherwise;
}

/**
 * `endpoint` wins (any base URL, such as a local mock); otherwise `region` picks a server (by name,
 * alias, or a templated server's pattern); otherwise `defaultRegion` (a spec rule's choice) or the
 * first server.
 */
export function resolveEndpoint(
  vendorName: string,
  servers: readonly ServerEntry[],
  options: { endpoint?: string | undefined; region?: string | undefined },
  defaultRegion?: string,
): EndpointChoice {
  if (options.endpoint !== undefined) {
    if (!/^https?:\/\/[^/]/.test(options.endpoint)) {
      throw new ConfigurationError(`${vendorName}: endpoint must be an absolute http(s) URL, got ${JSON.stringify(options.endpoint)}`);
    }
    return { baseUrl: options.endpoint.replace(/\/+$/, ''), region: options.region, serverRegion: undefined };
  }
  const region = options.region ?? defaultRegion;
  if (region === undefined) {
    const first = servers[0]!;
    return { baseUrl: first.url, region: first.region, serverRegion: first.region };
  }
  const server = servers.find((s) => !s.regionPattern && (s.region === region || s.aliases.includes(region)));
  if (server) return { baseUrl: server.url, region, serverRegion: server.region };
  const templated = servers.find((s) => s.regionPattern && new RegExp(s.regionPattern).test(region));
  if (templated) return { baseUrl: templated.url.replace('{region}', region), region, serverRegion: region };
  const known = servers.flatMap((s) => (s.regionPattern ? [`any region like ${s.region}`] : [s.region, ...s.aliases])).join(', ');
  throw new ConfigurationError(`${vendorName}: unknown region ${JSON.stringify(region)}; known regions: ${known}`);
}

/**
 * `new URL(href)` remembered for the last href: a signer parses its fixed base and path on every
 * call otherwise (a few µs each, a measurable share of a call). The URL is read, never changed.
 */
export function lastUrlParser(): (href: string) => URL {
  let lastHref: string | undefined;
  let lastUrl: URL | undefined;
  return (href) => {
    if (href !== lastHref) {
      lastUrl = new URL(href);
      lastHref = href;
    }
    return lastUrl!;
  };
}
