export declare const targets: ReadonlyArray<{ spec: string; pkg: string }>;
export declare function header(spec: string): string;
export declare function generateAll(): Promise<Record<string, string>>;
