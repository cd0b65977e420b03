export interface ApiChange {
  kind: 'breaking' | 'feature';
  where: string;
  what: string;
}
export function declarations(report: string): Map<string, string>;
export function classifyApiChange(before: string, after: string, where: string): { kind: 'none' | 'feature' | 'breaking'; changes: ApiChange[] };
