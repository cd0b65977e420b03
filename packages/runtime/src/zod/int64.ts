// The zod schema of an int64 field, as the generated `schemas` export it: a request takes a bigint,
// a decimal string or a safe-integer number; every form comes out as the exact decimal string (what
// answers give, and what the clients send as digits).
import * as z from 'zod/mini';
import { INT64_MESSAGES, int64Digits } from '../json.js';

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
          ? INT64_MESSAGES.type
          : digits === 'range' || digits === 'unsafe'
            ? INT64_MESSAGES[digits]
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
