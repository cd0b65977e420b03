export declare function descriptor(doc: unknown, schema: unknown, where: string): unknown;
