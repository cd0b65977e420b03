// The zod schema of an int64 field, as the generated `schemas` export it: a request takes a bigint,
// a decimal string or a safe-integer number; every form comes out as the exact decimal string (what
// answers give, and what the clients send as digits).
import * as z from 'zod/mini';
import { int64Digits } from '../json.js';

const WHY = {
  range: 'is beyond the int64 range',
  unsafe: 'is a number beyond 2^53, which JavaScript may already have rounded: pass a bigint or a decimal string',
} as const;

/** Pure: a bundle that never reaches a schema drops it (as zod marks its own factories). */
/* @__NO_SIDE_EFFECTS__ */
export function int64(bounds: { gte?: number; lte?: number } = {}) {
  return z.pipe(
    z.union([z.bigint(), z.string(), z.number()]),
    z.transform((value, ctx): string => {
      const digits = int64Digits(value);
      const n = Number(digits);
      const message =
        digits === undefined
          ? 'must be an int64: a bigint, a decimal string or a safe integer'
          : digits === 'range' || digits === 'unsafe'
            ? WHY[digits]
            : bounds.gte !== undefined && n < bounds.gte
              ? `must be at least ${bounds.gte}`
              : bounds.lte !== undefined && n > bounds.lte
                ? `must be at most ${bounds.lte}`
                : undefined;
      if (message === undefined) return digits as string;
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    }),
  );
}
