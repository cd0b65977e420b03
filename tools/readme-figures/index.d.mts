export function figures(): Promise<Record<string, string>>;
export const READMES: readonly string[];
export function fill(text: string, values: Readonly<Record<string, string>>, where: string): string;
