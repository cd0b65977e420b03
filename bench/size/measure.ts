// What one call costs in an application's bundle, measured on what npm installs: the packed
// tarballs installed into a fresh app outside the workspace, bundled as a bundler for browsers and
// edge runtimes does it (esbuild, minified, `browser` platform, ESM), gzip level 9. Used by the
// size test (tests/pack/size.test.ts, in `npm test`) and by `npm run size`, which writes the figures.
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Each client's one-call entry (bench/size/<vendor>.mjs) and the package it imports. */
export const CLIENT_ENTRIES = {
  volcengine: '@rollcall/volcengine-rtc',
  aliyun: '@rollcall/aliyun-live',
  tencent: '@rollcall/tencent-live',
  agora: '@rollcall/agora-rtc',
} as const;
export type SizedClient = keyof typeof CLIENT_ENTRIES;

/** The budget a one-call bundle must stay within (gzip bytes), from bench/size/budget.json. */
export const budget: { gzipBytes: number; reason: string } = JSON.parse(await readFile(path.join(here, 'budget.json'), 'utf8'));

export interface BundleSize {
  /** Minified bytes. */
  min: number;
  /** Minified, then gzip -9 bytes. */
  gzip: number;
  /** The packages whose code is in the bundle (by the installed path's package name). */
  packages: string[];
}

/** The installed package a bundled file belongs to: `node_modules/@scope/name/…` → `@scope/name`. */
function packageOf(input: string): string {
  const parts = input.split('node_modules/').at(-1)!.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** `entry` bundled for browsers and edge runtimes, as measured here: the code and the files in it. */
export async function bundleForBrowsers(entry: string, external: string[] = []): Promise<{ code: Uint8Array; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external,
  });
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  return { code: result.outputFiles[0]!.contents, inputs };
}

/** `entry` bundled for browsers and edge runtimes; `external`: modules left out of the count. */
export async function bundleSize(entry: string, external: string[] = []): Promise<BundleSize> {
  const { code, inputs } = await bundleForBrowsers(entry, external);
  const packages = [...new Set(inputs.filter((file) => file.includes('node_modules/')).map(packageOf))].sort();
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, packages };
}

/** Every client's one-call bundle, from `appDir`, an app with the clients' tarballs installed. */
export async function measureClients(appDir: string): Promise<Record<SizedClient, BundleSize>> {
  const sizes = {} as Record<SizedClient, BundleSize>;
  for (const client of Object.keys(CLIENT_ENTRIES) as SizedClient[]) {
    const entry = path.join(appDir, `${client}.mjs`);
    await copyFile(path.join(here, `${client}.mjs`), entry);
    sizes[client] = await bundleSize(entry);
  }
  return sizes;
}

/** Bytes as the results files write them. */
export const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;

/** bench/results/size.md: what the size test measured, and what the READMEs quote. */
export function sizeResults(sizes: Record<SizedClient, BundleSize>): string {
  return [
    '# One call, bundled from the packed tarballs',
    '',
    'Written by `npm run size` (bench/size/measure.ts); `npm test` measures again and fails when this',
    'file or a README quoting it differs. Each client installed by npm from its tarball into a fresh',
    'app, one call bundled by esbuild (minified, browser platform, ESM), gzip -9.',
    `Budget: ${kB(budget.gzipBytes)} gzip per client (${budget.reason}).`,
    '',
    '| client | gzip | minified | packages in the bundle |',
    '| --- | --- | --- | --- |',
    ...(Object.keys(CLIENT_ENTRIES) as SizedClient[]).map(
      (client) => `| ${CLIENT_ENTRIES[client]} | ${kB(sizes[client].gzip)} | ${kB(sizes[client].min)} | ${sizes[client].packages.join(', ')} |`,
    ),
    '',
    'What each call runs of its bundle: [size-executed.md](size-executed.md).',
    '',
  ].join('\n');
}

export const SIZE_RESULTS = path.join(here, '../results/size.md');
