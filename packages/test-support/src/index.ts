// Helpers shared by the packages' tests. Not part of any published package.
import { spawn } from 'node:child_process';
import { writeJson } from '@rollcall/runtime';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records each request and answers with `respond`. */
export function stubFetch(respond: (request: RecordedRequest, index: number) => Response | Promise<Response>) {
  const calls: RecordedRequest[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const recorded: RecordedRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: Object.fromEntries(request.headers),
      body: request.body === null ? undefined : await request.text(),
    };
    calls.push(recorded);
    return respond(recorded, calls.length - 1);
  };
  return { fetch, calls };
}

/** A JSON answer; int64 fields the wire module made (Int64Digits) are written as bare numbers, as vendors write them. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(writeJson(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A clock that starts at `start` and moves only when told to. */
export function fakeClock(start = '2025-01-15T08:30:00Z') {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Every printable form of an error: what a log line or an error tracker would show. */
export function printedForms(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [String(e), e.message, e.stack ?? '', JSON.stringify(e), JSON.stringify(e.cause ?? null), JSON.stringify(Object.entries(e))].join('\n');
}

/** Answers 200 with a body that never ends, as fast as the socket takes it (hostile-server tests). */
export function sendEndlessBody(res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

/** The most calls that started within any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end and keeps what it wrote; `input` is its standard input (none: closed at once). */
export function runProcess(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
