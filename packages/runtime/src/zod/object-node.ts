// Objects for the generated schemas on Node: zod/mini's object with zod's compiled fast path (the
// one full zod uses), which parses a 200-entry answer about 10× faster. Node never bundles for size,
// so the few hundred bytes of the compiler cost nothing there; other runtimes get zod/mini's.
// Built from zod's public core constructors, pinned with zod itself.
import * as core from 'zod/v4/core';
import * as z from 'zod/mini';

const ZodMiniObjectJIT = /* @__PURE__ */ core.$constructor('ZodMiniObjectJIT', (inst: any, def: any) => {
  (core.$ZodObjectJIT as any).init(inst, def);
  (z.ZodMiniType as any).init(inst, def);
});

export const looseObject = ((shape: core.$ZodShape) =>
  new ZodMiniObjectJIT({ type: 'object', shape, catchall: z.unknown() } as any)) as unknown as typeof z.looseObject;
