// How results are shown: a table for people, JSON or NDJSON for machines, progress on stderr.
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';

export type Format = 'table' | 'json' | 'ndjson';

export interface Out {
  write(text: string): void;
  error(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  interactive: boolean;
  /** Everything on standard input (`--users-file -`). */
  readInput(): Promise<string>;
}

export const processOut: Out = {
  write: (text) => void process.stdout.write(text),
  error: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
  async readInput() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Tables longer than this show their first rows and a count; --json gives everything. */
export const TABLE_ROWS_SHOWN = 10;

export type Row = Record<string, string | number | boolean | null | undefined>;

export function printTable(out: Out, head: string[], rows: readonly Row[], caption?: string): void {
  const columns = rows.some((r) => 'error' in r) ? [...head, 'error'] : head;
  // Compact: no rule between rows.
  const table = new Table({ head: columns, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const row of rows.slice(0, TABLE_ROWS_SHOWN)) table.push(columns.map((h) => (row[h] === null || row[h] === undefined ? '' : String(row[h]))));
  out.write(`${table.toString()}\n`);
  if (rows.length > TABLE_ROWS_SHOWN) out.write(`… and ${rows.length - TABLE_ROWS_SHOWN} more rows (use --json or --ndjson for all)\n`);
  if (caption) out.write(`${caption}\n`);
}

export const ndjsonLine = (value: unknown) => `${JSON.stringify(value)}\n`;

/** A progress bar on stderr for long jobs; silent when stderr is not a terminal. */
export function progress(out: Out, total: number, label: string) {
  if (!out.interactive || total <= 1) return { tick() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} calls`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, undefined);
  bar.start(total, 0);
  return {
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
