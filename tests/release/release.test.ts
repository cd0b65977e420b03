// The release flow, proven through a real registry: from a scratch copy of the repository,
// `changeset version` and `changeset publish` (through pnpm, as `pnpm release` does) against a local
// verdaccio; then presence-core, a vendor client, the emulator and the CLI installed from that
// registry with npm into a fresh folder, answering a call against the emulator.
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshApp, pnpmSpec, publishablePackages, root, run } from '@rollcall/test-support/tarballs';
import { startRegistry, type LocalRegistry } from './registry.js';

const changeset = path.join(root, 'node_modules/@changesets/cli/bin.js');
const packages = publishablePackages();

let workDir: string;
let scratch: string;
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;

const version = async (dir: string) => JSON.parse(await readFile(path.join(scratch, 'packages', dir, 'package.json'), 'utf8')).version as string;
const versions = async () => Object.fromEntries(await Promise.all(packages.map(async (p) => [p.name, await version(p.dir)] as const)));
const published = async (name: string) =>
  (await fetch(`${registry.url}${name.replace('/', '%2f')}`).then((r) => (r.ok ? (r.json() as Promise<{ 'dist-tags': { latest: string } }>) : null)))?.[
    'dist-tags'
  ].latest ?? null;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-release-'));
  registry = await startRegistry(workDir);
  // The scratch copy: what git tracks (and new files it does not ignore), the built dist folders
  // (tests run after the build), and the workspace's node_modules for the changesets tooling.
  scratch = path.join(workDir, 'repo');
  const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    await cp(path.join(root, file), path.join(scratch, file), { recursive: true }).catch((error) => {
      if (error.code !== 'ENOENT') throw error; // deleted but not yet staged
    });
  }
  for (const pkg of packages) {
    await cp(path.join(root, 'packages', pkg.dir, 'dist'), path.join(scratch, 'packages', pkg.dir, 'dist'), { recursive: true });
    // pnpm resolves `workspace:` ranges through each package's links to its siblings (relative
    // symlinks, so in the copy they point at the copy's packages and, through the link below, the
    // workspace's store).
    await cp(path.join(root, 'packages', pkg.dir, 'node_modules'), path.join(scratch, 'packages', pkg.dir, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  await symlink(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
  const git = (...args: string[]) => run('git', ['-c', 'user.name=release-test', '-c', 'user.email=release@example.invalid', ...args], { cwd: scratch });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-qm', 'scratch copy');
  // The publisher's configuration, where pnpm reads it: the workspace root's .npmrc.
  await writeFile(path.join(scratch, '.npmrc'), `registry=${registry.url}\n//127.0.0.1:${new URL(registry.url).port}/:_authToken=${registry.token}\n`);
  // changesets runs `pnpm publish`: the pinned pnpm, fetched by npx from the usual registry (the
  // registry setting below is for changesets' own `npm info`).
  const bin = path.join(workDir, 'bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'pnpm'), `#!/bin/sh\nexec env -u npm_config_registry npx -y ${pnpmSpec} "$@"\n`);
  await chmod(path.join(bin, 'pnpm'), 0o755);
  env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, npm_config_registry: registry.url };
});

afterAll(async () => {
  await registry?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('releasing through a registry', () => {
  it('the first `changeset version` makes every package 0.1.0', async () => {
    await run(process.execPath, [changeset, 'version'], { cwd: scratch, env });
    expect(await versions()).toEqual(Object.fromEntries(packages.map((p) => [p.name, '0.1.0'])));
    const core = JSON.parse(await readFile(path.join(scratch, 'packages/presence-core/package.json'), 'utf8'));
    expect(core.peerDependencies).toEqual({
      '@rollcall/agora-rtc': 'workspace:0.x',
      '@rollcall/aliyun-live': 'workspace:0.x',
      '@rollcall/tencent-live': 'workspace:0.x',
      '@rollcall/volcengine-rtc': 'workspace:0.x',
    });
  });

  it('a plain `npm publish` in a package folder refuses and points at the release command', async () => {
    const failure = await run('npm', ['publish'], { cwd: path.join(scratch, 'packages/volcengine-rtc'), env }).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toContain('npx -y pnpm@12.4.2 release');
    expect(failure).toContain('workspace:');
    expect(await published('@rollcall/volcengine-rtc')).toBeNull();
  });

  it('`changeset publish` publishes every package with real ranges', async () => {
    await run(process.execPath, [changeset, 'publish'], { cwd: scratch, env });
    for (const pkg of packages) expect([pkg.name, await published(pkg.name)]).toEqual([pkg.name, '0.1.0']);
    const manifest = (await (await fetch(`${registry.url}@rollcall%2fpresence-core`)).json()) as any;
    const core = manifest.versions['0.1.0'];
    expect(core.dependencies).toEqual({ '@rollcall/runtime': '^0.1.0' });
    expect(core.peerDependencies).toEqual({
      '@rollcall/agora-rtc': '0.x',
      '@rollcall/aliyun-live': '0.x',
      '@rollcall/tencent-live': '0.x',
      '@rollcall/volcengine-rtc': '0.x',
    });
    // Tags for the next release's spec comparison.
    const { stdout: tags } = await run('git', ['tag', '--list'], { cwd: scratch });
    expect(tags.split('\n').filter(Boolean).sort()).toEqual(packages.map((p) => `${p.name}@0.1.0`).sort());
  });

  it('installs from the registry and answers a call against the emulator the CLI runs', async () => {
    await writeFile(path.join(workDir, 'app.npmrc'), `@rollcall:registry=${registry.url}\n`);
    const app = await freshApp(
      workDir,
      'app',
      ['@rollcall/presence-core', '@rollcall/volcengine-rtc', '@rollcall/emulator', '@rollcall/cli'],
      ['--userconfig', path.join(workDir, 'app.npmrc')],
    );
    const emulator = spawn(path.join(app, 'node_modules/.bin/rollcall'), ['emulator', '--port', '0', '--rooms', '1', '--members', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [url] = (await createInterface({ input: emulator.stdout! })[Symbol.asyncIterator]().next()).value.split(/\s/);
      await writeFile(
        path.join(app, 'check.mjs'),
        `
        import { createPresence, VendorApiError } from '@rollcall/presence-core';
        import { volcengine } from '@rollcall/presence-core/volcengine';
        import { DEFAULT_APPS, DEMO_CREDENTIALS, worldIds } from '@rollcall/emulator';
        const presence = createPresence(volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: ${JSON.stringify(url)}, imAppId: DEFAULT_APPS.volcengineImAppId }));
        // The 19-digit live group and the ids of its members 1, 5 (and 6, not one of the 5).
        const entries = await presence.status(worldIds.volcengineGroup(1), worldIds.users(6).filter((_, i) => i === 0 || i >= 4));
        console.log(JSON.stringify({ entries: entries.map((e) => [e.userId, e.online]), errors: typeof VendorApiError }));`,
      );
      const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: app });
      expect(JSON.parse(stdout)).toEqual({
        entries: [
          ['1847260331508621312', true],
          ['1847260331525398528', true],
          ['6812345676', false],
        ],
        errors: 'function',
      });
      const installed = JSON.parse((await run('npm', ['ls', '--json', '--all'], { cwd: app })).stdout);
      expect(installed.dependencies['@rollcall/presence-core'].version).toBe('0.1.0');
      expect(installed.dependencies['@rollcall/cli'].version).toBe('0.1.0');
    } finally {
      emulator.kill('SIGTERM');
    }
  });

  it('a vendor minor release does not force a presence-core major', async () => {
    await writeFile(path.join(scratch, '.changeset/volcengine-feature.md'), "---\n'@rollcall/volcengine-rtc': minor\n---\n\nA new optional field.\n");
    await run(process.execPath, [changeset, 'version'], { cwd: scratch, env });
    const next = await versions();
    expect(next['@rollcall/volcengine-rtc']).toBe('0.2.0');
    expect(next['@rollcall/presence-core']).toBe('0.1.0');
    // The packages that depend on it (not as a peer) take the new range in a patch.
    expect(next['@rollcall/emulator']).toBe('0.1.1');
    expect(next['@rollcall/cli']).toBe('0.1.1');
    await run(process.execPath, [changeset, 'publish'], { cwd: scratch, env });
    expect(await published('@rollcall/volcengine-rtc')).toBe('0.2.0');
    // A user upgrading the vendor client keeps the presence-core they have: no peer conflict.
    await writeFile(path.join(workDir, 'app.npmrc'), `@rollcall:registry=${registry.url}\n`);
    const app = await freshApp(
      workDir,
      'upgrade',
      ['@rollcall/presence-core@0.1.0', '@rollcall/volcengine-rtc@0.2.0'],
      ['--userconfig', path.join(workDir, 'app.npmrc')],
    );
    const installed = JSON.parse((await run('npm', ['ls', '--json'], { cwd: app })).stdout);
    expect(installed.dependencies['@rollcall/volcengine-rtc'].version).toBe('0.2.0');
  });
});
