// Objects for the generated schemas, everywhere but Node: zod/mini's own (smallest bundle).
import * as z from 'zod/mini';

export const looseObject: typeof z.looseObject = z.looseObject;
