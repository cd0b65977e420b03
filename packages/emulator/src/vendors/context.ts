import type { Quota } from '@rollcall/runtime';
// What each vendor's handler gets from the shared server: the world, the credentials, the clock,
// signature checking and the per-account QPS window.
import type { Reply, ReceivedRequest } from '../wire/index.js';
import type { NonceLog, VerifyResult } from '../verify.js';
import type { TemporaryKeys } from '../temporary.js';
import type { EmulatorCredentials, World } from '../world.js';

export interface VendorContext {
  world: World;
  credentials: EmulatorCredentials;
  /** Temporary keys issued through the admin API (Volcengine and Alibaba STS). */
  temporary: TemporaryKeys;
  now(): number;
  nonces: NonceLog;
  /** False behind proxies that rewrite requests: the account is then taken as sent. */
  checkSignatures: boolean;
  /** The account as sent, when signatures are not checked. */
  unchecked(req: ReceivedRequest): VerifyResult;
  /** Counts an arrival in the account's one-second window of the call's quota (`quotaOf`); false when over it. */
  admit(account: string, operationId: string, quota: Quota, at: number): boolean;
  /** Counts a request refused before it reached an operation (bad signature, throttled). */
  count(operationId: string, outcome: 'throttled' | 'rejected'): void;
}

/** A handled request: the operation it was (for the stats), and the answer. */
export type Handled = [operationId: string, reply: Reply];

export type VendorHandler = (ctx: VendorContext, req: ReceivedRequest, arrivedAt: number, requestId: string) => Promise<Handled>;
