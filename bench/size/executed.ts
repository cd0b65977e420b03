// What one call runs of the code its bundle carries. The one-call bundle of measure.ts (same entry,
// given the canned server of bench/compare as its endpoint) runs once in a fresh `node` under V8's
// block coverage, and answers. Of its minified text:
// - "functions it enters": without the functions the call never enters — the least any tree-shaking
//   can leave, since a bundler drops whole declarations, never the branches of a function it keeps;
// - "branches it runs": without every branch the call skips as well (its error paths): about what
//   a client that could not fail would carry.
// Each is the gzip -9 of the text that remains (not runnable code: a measure of its information).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { bundleForBrowsers, CLIENT_ENTRIES, kB, type SizedClient } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ExecutedSize {
  /** gzip bytes: the whole bundle, the functions the call enters, the branches it runs. */
  whole: number;
  functions: number;
  branches: number;
}

/** Run by a fresh `node`: imports the bundle, awaits its call, prints the bundle's coverage. */
const RUNNER = `
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
const [file, endpoint] = process.argv.slice(2);
globalThis.ENDPOINT = endpoint;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
const answer = await (await import(pathToFileURL(file).href)).call;
if (answer === null || typeof answer !== 'object') throw new Error('the call did not answer with an object');
const { result } = await session.post('Profiler.takePreciseCoverage');
process.stdout.write(JSON.stringify(result.find((script) => script.url === pathToFileURL(file).href).functions));
`;

interface CoveredFunction {
  ranges: Array<{ startOffset: number; endOffset: number; count: number }>;
}

/** The size entry (bench/size/<client>.mjs) sending to `globalThis.ENDPOINT` and exporting its call. */
function runnableEntry(source: string): string {
  const runnable = source
    .replace('({ credentials:', '({ endpoint: globalThis.ENDPOINT, credentials:')
    .replace(/\nclient\.(\w+)\((.*)\)\.then\(console\.log\);/, '\nexport const call = client.$1($2);');
  if (!runnable.includes('globalThis.ENDPOINT') || !runnable.includes('export const call'))
    throw new Error('a size entry no longer has the shape executed.ts rewrites');
  return runnable;
}

/** Each client's call from `appDir` (the clients' tarballs installed), against the canned server at `endpoint`. */
export async function measureExecuted(appDir: string, endpoint: string): Promise<Record<SizedClient, ExecutedSize>> {
  const runner = path.join(appDir, 'coverage-runner.mjs');
  await writeFile(runner, RUNNER);
  const sizes = {} as Record<SizedClient, ExecutedSize>;
  for (const client of Object.keys(CLIENT_ENTRIES) as SizedClient[]) {
    const entry = path.join(appDir, `${client}-runnable.mjs`);
    await writeFile(entry, runnableEntry(await readFile(path.join(here, `${client}.mjs`), 'utf8')));
    const bundled = path.join(appDir, `${client}-runnable.bundle.mjs`);
    const code = new TextDecoder().decode((await bundleForBrowsers(entry)).code);
    await writeFile(bundled, code);
    const { stdout } = await promisify(execFile)(process.execPath, [runner, bundled, endpoint], { maxBuffer: 64 << 20 });
    const functions = JSON.parse(stdout) as CoveredFunction[];
    // A function's ranges come outermost first, so the innermost range sets a character's count.
    const count = new Int32Array(code.length).fill(1);
    const entered = new Uint8Array(code.length).fill(1);
    for (const { ranges } of functions) {
      for (const range of ranges) count.fill(range.count, range.startOffset, range.endOffset);
      if (ranges[0]!.count === 0) entered.fill(0, ranges[0]!.startOffset, ranges[0]!.endOffset);
    }
    let enteredText = '';
    let ranText = '';
    for (let i = 0; i < code.length; i++) {
      if (entered[i]) enteredText += code[i];
      if (count[i]! > 0) ranText += code[i];
    }
    const gzip = (text: string) => gzipSync(text, { level: 9 }).length;
    sizes[client] = { whole: gzip(code), functions: gzip(enteredText), branches: gzip(ranText) };
  }
  return sizes;
}

/** bench/results/size-executed.md. */
export function executedResults(sizes: Record<SizedClient, ExecutedSize>): string {
  return [
    '# What one call runs of what it carries',
    '',
    'Written by `npm run size` (bench/size/executed.ts): each one-call bundle of [size.md](size.md), given the',
    "canned server of bench/compare as its endpoint, run once by a fresh `node` under V8's block coverage;",
    'gzip -9 of its minified text whole, without the functions the call never enters (the least a',
    'bundler can leave: it drops whole declarations), and without every branch it skips too (its error paths).',
    '',
    '| client | whole bundle | functions the call enters | branches the call runs |',
    '| --- | --- | --- | --- |',
    ...(Object.keys(CLIENT_ENTRIES) as SizedClient[]).map(
      (client) => `| ${CLIENT_ENTRIES[client]} | ${kB(sizes[client].whole)} | ${kB(sizes[client].functions)} | ${kB(sizes[client].branches)} |`,
    ),
    '',
  ].join('\n');
}

export const EXECUTED_RESULTS = path.join(here, '../results/size-executed.md');
