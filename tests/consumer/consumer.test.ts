// What a TypeScript user gets from npm: every publishable package packed, installed from its
// tarball (with the sibling tarballs it declares and nothing else) into a fresh folder, and a usage
// file compiled with `tsc --strict --noEmit` (no skipLibCheck) under the node16, nodenext and bundler
// resolutions. Each tarball also passes publint --strict and arethetypeswrong for the ESM-only profile.
import { copyFile, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshApp, publishablePackages, root, run, withSiblings } from '@rollcall/test-support/tarballs';

const here = path.dirname(fileURLToPath(import.meta.url));
const tarballs = inject('tarballs');
const packages = publishablePackages();
const typesNode = `@types/node@${JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).devDependencies['@types/node']}`;
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const attw = path.join(root, 'node_modules/.bin/attw');

/** The usage file of each package with a programmatic entry (the CLI has none: it is a `bin`). */
const usageFiles: Record<string, string> = {
  '@rollcall/runtime': 'runtime.ts',
  '@rollcall/volcengine-rtc': 'volcengine-rtc.ts',
  '@rollcall/aliyun-live': 'aliyun-live.ts',
  '@rollcall/tencent-live': 'tencent-live.ts',
  '@rollcall/agora-rtc': 'agora-rtc.ts',
  '@rollcall/presence-core': 'presence-core.ts',
  '@rollcall/emulator': 'emulator.ts',
  '@rollcall/limiter-redis': 'limiter-redis.ts',
};
/** Packages whose errors a user catches from the package itself. */
const errorSources = new Set([
  '@rollcall/runtime',
  '@rollcall/volcengine-rtc',
  '@rollcall/aliyun-live',
  '@rollcall/tencent-live',
  '@rollcall/agora-rtc',
  '@rollcall/presence-core',
]);

/** Packages that run on Node only; the others must type-check for a browser or edge app too. */
const nodeOnly = new Set(['@rollcall/emulator', '@rollcall/cli', '@rollcall/limiter-redis']);

/**
 * The three resolutions. Under `bundler` the app has the DOM library and no Node types (a browser
 * or edge app), except for Node-only packages.
 */
const resolutions = [
  { name: 'node16', options: (_pkg: string) => ({ module: 'node16', moduleResolution: 'node16', lib: ['es2022'], types: ['node'] }) },
  { name: 'nodenext', options: (_pkg: string) => ({ module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'] }) },
  {
    name: 'bundler',
    options: (pkg: string) => ({ module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: nodeOnly.has(pkg) ? ['node'] : [] }),
  },
];

let workDir: string;
const apps = new Map<string, string>();

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-consumer-'));
  await Promise.all(
    packages
      .filter((pkg) => usageFiles[pkg.name])
      .map(async (pkg) => {
        const app = await freshApp(workDir, pkg.dir, [...withSiblings(pkg.name, packages).map((n) => tarballs[n]!), typesNode]);
        await copyFile(path.join(here, 'usage', usageFiles[pkg.name]!), path.join(app, 'usage.ts'));
        const template = await readFile(path.join(here, 'usage/errors.ts.template'), 'utf8');
        // The CLI and the emulator export no errors; their usage files do not import errors.ts.
        const errorsFrom = errorSources.has(pkg.name) ? pkg.name : '@rollcall/runtime';
        await writeFile(path.join(app, 'errors.ts'), template.replaceAll('__PACKAGE__', errorsFrom));
        apps.set(pkg.name, app);
      }),
  );
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(packages.filter((pkg) => usageFiles[pkg.name]))('$name, installed from its tarball', (pkg) => {
  it.each(resolutions)('type-checks strictly under moduleResolution $name', async ({ name, options }) => {
    const app = apps.get(pkg.name)!;
    const files = errorSources.has(pkg.name) ? ['usage.ts', 'errors.ts'] : ['usage.ts'];
    // No skipLibCheck: every published .d.ts is checked with the rest.
    const compilerOptions = { strict: true, noEmit: true, target: 'es2022', skipLibCheck: false, ...options(pkg.name) };
    await writeFile(path.join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }));
    const result = await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: app }).then(
      () => '',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || 'tsc failed',
    );
    expect(result).toBe('');
  });
});

describe.each(packages)('$name tarball', (pkg) => {
  it('passes publint --strict', async () => {
    const tarball = await readFile(tarballs[pkg.name]!);
    const { messages, pkg: manifest } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      strict: true,
      level: 'suggestion',
    });
    expect(messages.map((m) => formatMessage(m, manifest) ?? m.code)).toEqual([]);
  });

  it('passes arethetypeswrong for ESM-only packages (engines: Node with require(esm))', async () => {
    // esm-only: CommonJS `require` of the package is not a supported way in; Node's own
    // require(esm) covers it on the versions `engines` names.
    expect(pkg.manifest.engines.node).toBe('^20.19.0 || >=22.12.0');
    const result = await run(attw, [tarballs[pkg.name]!, '--profile', 'esm-only', '--format', 'ascii'], { cwd: workDir }).then(
      () => '',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(result).toBe('');
  });
});
