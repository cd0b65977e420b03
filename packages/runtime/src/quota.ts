// Which quota a call counts against. Most operations have one; a vendor may document a lower one
// for a parameter's value (Volcengine GetRoomOnlineUsers: QPS 1 with `Property: true`, 40
// otherwise), counted apart. The spec says so (`x-rollcall-qps-when`); limiters and the emulator
// both ask here, so they key and count a call alike.
import type { OperationSpec } from './contract.js';

export interface Quota {
  /** What the vendor counts calls under: the operation id, or it and the parameter value selecting a quota of its own. */
  readonly key: string;
  readonly qps: number;
}

/**
 * The quota of one call of `operation` with `input` (its fields as the caller gives them, or a
 * query's strings: values compare in their wire form, `String(value)`).
 */
export function quotaOf(operation: Pick<OperationSpec, 'operationId' | 'qps' | 'qpsWhen'>, input?: Readonly<Record<string, unknown>>): Quota {
  for (const rule of operation.qpsWhen ?? []) {
    const value = input?.[rule.parameter];
    if (value !== undefined && value !== null && String(value) === rule.equals) {
      return { key: `${operation.operationId}?${rule.parameter}=${rule.equals}`, qps: rule.qps };
    }
  }
  return { key: operation.operationId, qps: operation.qps };
}
