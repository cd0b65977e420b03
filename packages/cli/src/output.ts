// How results are shown: a table for people, JSON or NDJSON for machines, progress on stderr.
import Table from 'cli-table3';

/** `tsv`: a table's rows as tab-separated lines, for a stdout that is not a terminal (gh's way). */
export type Format = 'table' | 'tsv' | 'json' | 'ndjson';

export interface Out {
  write(text: string): void;
  error(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  interactive: boolean;
  /** Whether stdout is a terminal: tables for people there; in a pipe, tab-separated lines as rows come. */
  tables: boolean;
  /** Everything on standard input (`--users-file -`). */
  readInput(): Promise<string>;
}

export const processOut: Out = {
  write: (text) => void process.stdout.write(text),
  error: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
  tables: Boolean(process.stdout.isTTY),
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

/** A row as one tab-separated line, in `columns` order; a tab or line break inside a value becomes a space. */
export const tsvLine = (columns: readonly string[], row: Row) =>
  `${columns.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c]).replace(/[\t\r\n]/g, ' '))).join('\t')}\n`;

/** A job shorter than this shows no progress at all (no flash of a line that is cleared at once). */
const PROGRESS_DELAY_MS = 300;
/** The line is drawn again at most this often. */
const PROGRESS_REDRAW_MS = 100;

export interface Progress {
  /** `count` more ids answered. */
  advance(count: number): void;
  /** Takes the line off the screen (drawn again at the next advance). */
  clear(): void;
  /** The job's output: each write takes the progress line off first, so no answer is overwritten. */
  out: Out;
}

/**
 * One line on stderr for a long lookup — ids answered of the total, the rate and the time left, as
 * npm and gh show theirs — drawn with a carriage return and erase-to-end-of-line only: the cursor is
 * never saved or moved elsewhere, and the line is erased before anything else is written, so answers
 * and the prompt after them stay as printed. Nothing when stderr is not a terminal.
 */
export function progress(out: Out, total: number, label: string, now: () => number = Date.now): Progress {
  if (!out.interactive || total <= 1) return { advance() {}, clear() {}, out };
  const startedAt = now();
  let done = 0;
  let drawn = false;
  let drawnAt = -Infinity;
  const clear = () => {
    if (!drawn) return;
    out.error('\r\u001b[K');
    drawn = false;
  };
  return {
    advance(count) {
      done += count;
      const at = now();
      const elapsed = at - startedAt;
      if (elapsed < PROGRESS_DELAY_MS || at - drawnAt < PROGRESS_REDRAW_MS || done >= total) return;
      const rate = done / (elapsed / 1000);
      const left = rate > 0 ? Math.ceil((total - done) / rate) : undefined;
      const line = `${label}  ${done.toLocaleString('en')}/${total.toLocaleString('en')} ids  ${Math.round(rate).toLocaleString('en')} ids/s${left === undefined ? '' : `  ~${formatSeconds(left)} left`}`;
      out.error(`\r${line}\u001b[K`);
      drawn = true;
      drawnAt = at;
    },
    clear,
    out: {
      ...out,
      write: (text) => {
        clear();
        out.write(text);
      },
      error: (text) => {
        clear();
        out.error(text);
      },
    },
  };
}

/** "45 s", "3 min 20 s". */
function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
