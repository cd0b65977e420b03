export declare function operationTableModule(doc: unknown): string;
export declare function inputSchemasModule(doc: unknown): string;
export declare function examplesModule(doc: unknown): string;
export declare function wireModule(docs: readonly unknown[]): string;
export declare function camelCase(operationId: string): string;
export declare function pointerGet(value: unknown, pointer: string): unknown;
export declare function isFailureBody(vendor: unknown, body: unknown): boolean;
