// Region → base URL, from the generated `servers` table.
import { ConfigurationError } from './errors.js';

export interface ServerEntry {
  readonly url: string;
  readonly region: string;
  readonly aliases: readonly string[];
  readonly fallbackUrl?: string;
}

export interface EndpointChoice {
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  /** The region as the caller wrote it (an alias stays an alias: some vendors sign with it). */
  readonly region: string | undefined;
}

/**
 * `endpoint` wins (any base URL, such as a local mock); otherwise `region` picks a server;
 * otherwise the first server is the default.
 */
export function resolveEndpoint(
  vendorName: string,
  servers: readonly ServerEntry[],
  options: { endpoint?: string | undefined; region?: string | undefined },
): EndpointChoice {
  if (options.endpoint !== undefined) {
    if (!/^https?:\/\/[^/]/.test(options.endpoint)) {
      throw new ConfigurationError(`${vendorName}: endpoint must be an absolute http(s) URL, got ${JSON.stringify(options.endpoint)}`);
    }
    return { baseUrl: options.endpoint.replace(/\/+$/, ''), region: options.region };
  }
  if (options.region === undefined) {
    const first = servers[0]!;
    return { baseUrl: first.url, region: first.region };
  }
  const server = servers.find((s) => s.region === options.region || s.aliases.includes(options.region!));
  if (!server) {
    const known = servers.flatMap((s) => [s.region, ...s.aliases]).join(', ');
    throw new ConfigurationError(`${vendorName}: unknown region ${JSON.stringify(options.region)}; known regions: ${known}`);
  }
  return { baseUrl: server.url, region: options.region };
}
