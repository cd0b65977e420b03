export interface EntryPoint {
  folder: string;
  dir: string;
  subpath: string;
  types: string;
  report: string;
}
export function entryPoints(): Promise<EntryPoint[]>;
export function report(entry: EntryPoint, options: { check: boolean }): Promise<{ succeeded: boolean; changed: boolean; errors: number }>;
