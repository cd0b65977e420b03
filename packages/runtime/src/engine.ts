// The request engine every vendor client runs on, as a pipeline: check the input and build its
// wire form once (request.ts), then attempts of sign → send → read (response.ts), retried by a
// strategy (retry.ts). Everything vendor-specific comes from the generated operation table and the
// signer; the types it works on are in contract.ts.
//
// The request is built here rather than by openapi-fetch: every operation is one of three fixed
// shapes, the signer must see the exact bytes before a Request exists, and openapi-fetch cost 2.5 KB
// of the 12 KB gzip budget plus a second Request per call.
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type CallOptions,
  type EngineOptions,
  type OutgoingRequest,
  type SignedRequest,
  type WithMetadata,
} from './contract.js';
import { VendorClock } from './clock.js';
import type { CredentialsSource } from './credentials.js';
import { AuthError, ClockSkewError, ConfigurationError, VendorApiError } from './errors.js';
import { matchesCode } from './pointer.js';
import { checkInput, wireForm } from './request.js';
import { readAnswer, transportFailure } from './response.js';
import { policyStrategy, type RetryStrategy } from './retry.js';
import { transportFor } from '#transport';
import { fetchTransport } from './transport/fetch.js';
import type { HttpResponse } from './transport/types.js';

export function createEngine<C>(engine: EngineOptions<C>) {
  const { vendor, operations, signer, options } = engine;
  const credentials = engine.credentials ?? NO_CREDENTIALS;
  const baseUrl = engine.baseUrl.replace(/\/+$/, '');
  // The caller's fetch when given; otherwise the runtime's best (node:http on Node, fetch elsewhere).
  // A proxy is the node:http transport's (given, or from HTTPS_PROXY and its kin); a fetch of the
  // caller's chooses its own.
  if (options.fetch && options.proxy) throw new ConfigurationError(`${vendor.id}: pass proxy or fetch, not both: a fetch of your own chooses its proxy`);
  const transport = options.fetch ? fetchTransport(options.fetch as typeof fetch) : transportFor(vendor.id, options.proxy);
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const clock = new VendorClock(options.now ?? (() => new Date()));
  const clockSkewCodes = vendor.clockSkewCodes ?? [];

  return async function call<Output>(name: string, input: unknown, callOptions: CallOptions = {}): Promise<WithMetadata<Output>> {
    // Names come from the table itself (createClientMethods), so the lookup cannot miss.
    const operation = operations[name]!;
    // Checked and built once, before anything is sent: only the signature is made per attempt.
    const outgoing: OutgoingRequest = { operation, baseUrl, method: operation.method, ...wireForm(operation, checkInput(operation, input)) };
    const deadline = Date.now() + (callOptions.deadlineMs ?? options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const retry = callOptions.retry ?? options.retry;
    const chosen = retry && 'next' in retry ? retry : policyStrategy(retry, deadline, callOptions.signal);

    // Whether this call's request was refused for its signed time and signed again on the clock the
    // vendor's answer gave (VendorClock): once per call.
    let resentForClock = false;
    // Whether it was refused for its credentials and signed again with a provider's new ones: once.
    let resentForCredentials = false;

    /** One attempt: signed afresh (a new date, nonce or random), sent, and read. */
    const send = async (timeoutMs = Math.max(1, Math.min(callOptions.timeoutMs ?? defaultTimeoutMs, deadline - Date.now()))) => {
      let signed: SignedRequest;
      let response: HttpResponse;
      let signedWith: C;
      const signingTime = clock.now();
      try {
        signedWith = await credentials.current(signingTime.date);
        signed = await signer.sign(outgoing, signingTime.date, signedWith);
        response = await transport({
          url: signed.url,
          method: operation.method,
          headers: signed.headers,
          body: signed.body,
          signal: callOptions.signal,
          timeoutMs,
          maxResponseBytes,
        });
      } catch (error) {
        const context = { vendor: vendor.id, operation: operation.operationId, baseUrl, timeoutMs, maxResponseBytes, signal: callOptions.signal };
        throw transportFailure(error, context);
      }
      try {
        return readAnswer<Output>(vendor, operation, response, signed);
      } catch (error) {
        if (!(error instanceof VendorApiError)) throw error;
        if (matchesCode(error.code, clockSkewCodes)) {
          const corrected = clock.correct(error, response.header('date'), signingTime.offsetMs, resentForClock);
          throw corrected === true ? new SignAgain('clock', error) : corrected;
        }
        // A provider's credentials the vendor refused (a token that expired on its clock before
        // ours, a key rotated): fetched again, and the request signed again when they changed.
        if (error instanceof AuthError && !(error instanceof ClockSkewError) && !resentForCredentials) {
          if (await credentials.refreshAfterRefusal(signedWith, clock.now().date)) throw new SignAgain('credentials', error);
        }
        throw error;
      }
    };

    const run = async (strategy: RetryStrategy) => {
      let retryDelayMs = 0;
      for (let attempts = 1; ; attempts++) {
        try {
          const [payload, requestId, httpStatus] = await strategy.attempt(attempts, send);
          return Object.assign(payload, { $metadata: { requestId, httpStatus, attempts, retryDelayMs } });
        } catch (error) {
          // Signed again at once, as the next attempt (through the strategy: a limiter paces it too).
          if (error instanceof SignAgain) {
            if (error.reason === 'clock') resentForClock = true;
            else resentForCredentials = true;
            continue;
          }
          const waited = callOptions.signal?.aborted ? undefined : await strategy.next(error, attempts);
          if (waited === undefined) throw error;
          retryDelayMs += waited;
        }
      }
    };
    const { telemetry } = options;
    if (!telemetry) return run(chosen);
    const server = new URL(baseUrl);
    const traced = {
      vendor: vendor.id,
      operation: operation.operationId,
      method: operation.method,
      serverAddress: server.hostname,
      serverPort: Number(server.port) || (server.protocol === 'https:' ? 443 : 80),
    };
    return telemetry.call(traced, (attempts) => run(attempts(chosen)));
  };
}

/** For a signer that holds its own credentials. */
const NO_CREDENTIALS: CredentialsSource<never> = {
  current: () => Promise.resolve(undefined as never),
  refreshAfterRefusal: async () => false,
};

/**
 * An attempt refused for its signed time after the clock was corrected, or for credentials a
 * provider has since replaced: the engine signs again at once.
 */
class SignAgain extends Error {
  constructor(
    readonly reason: 'clock' | 'credentials',
    /** The vendor's refusal (what telemetry records for the attempt). */
    readonly refusal: VendorApiError,
  ) {
    super(reason);
  }
}

/** The client object: one method per operation of the table, each a call through the engine. */
export function createClientMethods<Methods, C = unknown>(options: EngineOptions<C>): Methods {
  const call = createEngine(options);
  const methods: Record<string, (input: unknown, callOptions?: CallOptions) => Promise<unknown>> = {};
  for (const name of Object.keys(options.operations)) {
    methods[name] = (input, callOptions) => call(name, input, callOptions);
  }
  return Object.freeze(methods) as Methods;
}
