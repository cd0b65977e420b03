export declare function refName(ref: string): string;
export declare function zodExpr(schema: Record<string, unknown>, where: string): string;
export declare function dependencyOrder(schemas: Record<string, unknown>): string[];
export declare function zodSchemaModule(doc: unknown): string;
