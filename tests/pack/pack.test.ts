// Each published package, installed with npm from its packed tarball (and the sibling tarballs it
// declares) into a fresh folder outside the workspace, must import and make one call against the
// Prism mock: through the Node build (node:crypto, node:http) and through the default build
// (WebCrypto, fetch) that bundlers for browsers and edge runtimes pick.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshApp, run, withSiblings } from '@rollcall/test-support/tarballs';

const urls = inject('mockUrls');
const tarballs = inject('tarballs');
const install = (label: string, names: string[]) =>
  freshApp(
    workDir,
    label,
    names.flatMap((n) => withSiblings(n)).map((n) => tarballs[n]!),
  );

const packages = [
  {
    dir: 'volcengine-rtc',
    modules: ['sign', 'webhook', 'generated/webhooks'],
    name: '@rollcall/volcengine-rtc',
    call: `
      const client = m.createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint: ${JSON.stringify(urls.volcengine)} });
      const result = await client.queryLiveParticipantStatus({ AppId: 0, ConversationShortId: 1, ParticipantUserIds: [10001, 10002] });
      out = result.Status.map((s) => s.ParticipantUserId);`,
    // int64 ids come back as exact decimal strings.
    expected: ['10003', '10001', '10002'],
  },
  {
    dir: 'aliyun-live',
    modules: ['sign'],
    name: '@rollcall/aliyun-live',
    call: `
      const client = m.createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint: ${JSON.stringify(urls.aliyun)} });
      const result = await client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'group', UserIds: ['de1**a0'] });
      out = result.OnlineUsers.map((u) => u.UserId);`,
    expected: ['de1**a0'],
  },
  {
    dir: 'tencent-live',
    modules: ['sign', 'webhook', 'generated/webhooks'],
    name: '@rollcall/tencent-live',
    call: `
      const client = m.createTencentLiveClient({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, endpoint: ${JSON.stringify(urls.tencent)} });
      const result = await client.getMemberList({ RoomId: 'room_id', Next: '' });
      out = result.MemberList.map((m) => m.Member_Account);`,
    expected: ['brennan1', 'tandy'],
  },
  {
    dir: 'agora-rtc',
    modules: ['channels', 'webhook', 'generated/webhooks'],
    name: '@rollcall/agora-rtc',
    call: `
      const client = m.createAgoraRtcClient({ credentials: { customerId: 'customer', customerSecret: 'secret' }, endpoint: ${JSON.stringify(urls.agora)} });
      const result = await client.queryUserList({ appid: 'app', channelName: 'room #1' });
      out = result.users;`,
    expected: [906218805],
  },
];

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-pack-'));
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** `entry` bundled the way a bundler for browsers or edge runtimes does: only the `default` condition. */
async function defaultBuild(appDir: string, entry: string): Promise<string> {
  const outfile = path.join(appDir, `${path.basename(entry, '.mjs')}.default-build.mjs`);
  await build({
    entryPoints: [path.join(appDir, entry)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: [],
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'error',
  });
  const bundled = await readFile(outfile, 'utf8');
  // The default build never reaches for Node's own modules.
  expect(bundled).not.toMatch(/from ["']node:/);
  return outfile;
}

describe.each(packages)('$name from its packed tarball', (pkg) => {
  it('installs on its own with npm, imports, and makes a call', async () => {
    const appDir = await install(pkg.dir, [pkg.name]);
    const installed = path.join(appDir, 'node_modules', pkg.name);
    const { stdout: files } = await run('find', ['.', '-type', 'f'], { cwd: installed });
    // One ES module per source file, for every runtime (what differs per runtime is the runtime
    // package's): the generated schemas are a module of their own, which a bundle that never
    // imports them drops, zod with them.
    expect(files.split('\n').filter(Boolean).sort()).toEqual(
      [
        './LICENSE',
        './README.md',
        './package.json',
        './dist/index.d.ts',
        './dist/index.js',
        './dist/client.js',
        './dist/generated/operations.js',
        './dist/generated/schemas.js',
        ...pkg.modules.map((m) => `./dist/${m}.js`),
      ].sort(),
    );
    expect(await readFile(path.join(installed, 'dist/index.js'), 'utf8')).toMatch(/export \{ \w+ as schemas \}/);
    // The shared runtime is a dependency, installed once, not bundled into the client.
    const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@rollcall/runtime', 'zod']);
    expect(await readFile(path.join(installed, 'dist/client.js'), 'utf8')).toContain("from '@rollcall/runtime'");
    await writeFile(
      path.join(appDir, 'call.mjs'),
      `
      import * as m from ${JSON.stringify(pkg.name)};
      let out;
      ${pkg.call}
      console.log(JSON.stringify(out));`,
    );
    for (const file of ['call.mjs', await defaultBuild(appDir, 'call.mjs')]) {
      const { stdout } = await run(process.execPath, [file], { cwd: appDir });
      expect(JSON.parse(stdout)).toEqual(pkg.expected);
    }
  });
});

describe('@rollcall/presence-core from its packed tarball', () => {
  it('installs with the one vendor package it is used with, and answers through it', async () => {
    const appDir = await freshApp(
      workDir,
      'presence',
      ['@rollcall/runtime', '@rollcall/presence-core', '@rollcall/volcengine-rtc'].map((n) => tarballs[n]!),
    );
    await writeFile(
      path.join(appDir, 'check.mjs'),
      `
      import { createPresence } from '@rollcall/presence-core';
      import { volcengine } from '@rollcall/presence-core/volcengine';
      const presence = createPresence(volcengine({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint: ${JSON.stringify(urls.volcengine)}, imAppId: 0 }));
      const entries = await presence.status('1', ['10001', '10002']);
      console.log(JSON.stringify(entries.map((e) => [e.userId, e.online])));`,
    );
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: appDir });
    expect(JSON.parse(stdout)).toEqual([
      ['10001', true],
      ['10002', false],
    ]);
  });
});

describe('an app using presence-core with all four vendors', () => {
  it('carries exactly one copy of the shared runtime', async () => {
    const names = ['@rollcall/presence-core', '@rollcall/volcengine-rtc', '@rollcall/aliyun-live', '@rollcall/tencent-live', '@rollcall/agora-rtc'];
    const appDir = await install('one-runtime', names);
    const { stdout } = await run('find', ['node_modules', '-path', '*/@rollcall/runtime/package.json'], { cwd: appDir });
    expect(stdout.trim().split('\n')).toEqual(['node_modules/@rollcall/runtime/package.json']);
  });
});

// The README says which build each runtime loads; this is where that is checked. Bun and Deno honour
// the `node` export condition, so they get the node:crypto / node:http build.
const otherRuntimes = [
  { name: 'bun', spec: 'bun@1.4.5', command: (file: string) => ['bun', file] },
  { name: 'deno', spec: 'deno@2.9.6', command: (file: string) => ['deno', 'run', '--allow-all', file] },
];

describe('which build each runtime loads', () => {
  it.each(otherRuntimes)('$name loads the node build and signs with it', async ({ spec, command }) => {
    const appDir = await freshApp(workDir, spec.split('@')[0]!, [tarballs['@rollcall/runtime']!, spec]);
    await writeFile(
      path.join(appDir, 'which.mjs'),
      `import { defaultCrypto } from '@rollcall/runtime';
      console.log(JSON.stringify([defaultCrypto.name, await defaultCrypto.sha256Hex('abc')]));`,
    );
    const [bin, ...args] = command('which.mjs');
    const { stdout } = await run(path.join(appDir, 'node_modules/.bin', bin!), args, { cwd: appDir });
    expect(JSON.parse(stdout)).toEqual(['node:crypto', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']);
  });
});

describe('@rollcall/emulator and @rollcall/cli from their packed tarballs', () => {
  it('the emulator installs on its own and serves', async () => {
    const appDir = await install('emulator', ['@rollcall/emulator']);
    await writeFile(
      path.join(appDir, 'check.mjs'),
      `
      import { generateSeed, startEmulator } from '@rollcall/emulator';
      const emulator = await startEmulator({ seed: generateSeed(2, 7) });
      const state = await (await fetch(emulator.url + '/__admin/state')).json();
      await emulator.close();
      console.log(JSON.stringify(state.rooms.tencent));`,
    );
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: appDir });
    expect(JSON.parse(stdout)).toEqual({ 'room-1': 7, 'room-2': 7 });
  });

  it('the CLI installs on its own and its demo runs', async () => {
    const appDir = await install('cli', ['@rollcall/cli']);
    const { stdout } = await run(path.join(appDir, 'node_modules/.bin/rollcall'), ['demo'], { cwd: appDir });
    expect(stdout).toContain('5000 users in 7226277271248584971: 3000 online, 2000 not');
    expect(stdout).toContain('Showing 1000 of 1500 members: the list is truncated');
  });
});

describe('the install the README documents before the first release', () => {
  it('npm run pack makes every package a tarball and prints the line; that line, run in a project, gives a working rollcall', async () => {
    const dest = path.join(workDir, 'documented-tarballs');
    const root = path.resolve(import.meta.dirname, '../..');
    // The script `npm run pack` ends with (the build it starts first is done already).
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(root, 'tools/pack/index.ts'), dest], { cwd: root });
    const line = /npm install (\S+\*\.tgz)/.exec(stdout)?.[1];
    expect(line).toBe(path.join(dest, '*.tgz'));
    const packed = (await import('node:fs')).readdirSync(dest).sort();
    expect(packed).toEqual(
      Object.values(tarballs)
        .map((t) => path.basename(t))
        .sort(),
    );
    // The printed line as a user runs it, in a fresh project (the shell expands the glob).
    const app = await mkdtemp(path.join(workDir, 'newcomer-'));
    await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'newcomer', private: true }));
    await run('bash', ['-c', `npm install --no-audit --no-fund --loglevel=error ${line}`], { cwd: app });
    const version = await run('npx', ['rollcall', '--version'], { cwd: app });
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(path.join(root, 'packages/cli/package.json'), 'utf8')).version);
  });
});
