// Each published package, packed to its tarball and installed with npm into a fresh folder outside
// the workspace, must import and make one call against the Prism mock: through the Node build
// (node:crypto) and through the default build (WebCrypto) that other runtimes get.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const urls = inject('mockUrls');

const packages = [
  {
    dir: 'volcengine-rtc',
    name: '@rollcall/volcengine-rtc',
    call: `
      const client = m.createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint: ${JSON.stringify(urls.volcengine)} });
      const result = await client.queryLiveParticipantStatus({ AppId: 0, ConversationShortId: 1, ParticipantUserIds: [10001, 10002] });
      out = result.Status.map((s) => s.ParticipantUserId);`,
    expected: [10003, 10001, 10002],
  },
  {
    dir: 'aliyun-live',
    name: '@rollcall/aliyun-live',
    call: `
      const client = m.createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint: ${JSON.stringify(urls.aliyun)} });
      const result = await client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'group', UserIds: ['de1**a0'] });
      out = result.OnlineUsers.map((u) => u.UserId);`,
    expected: ['de1**a0'],
  },
  {
    dir: 'tencent-live',
    name: '@rollcall/tencent-live',
    call: `
      const client = m.createTencentLiveClient({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, endpoint: ${JSON.stringify(urls.tencent)} });
      const result = await client.getMemberList({ RoomId: 'room_id', Next: '' });
      out = result.MemberList.map((m) => m.Member_Account);`,
    expected: ['brennan1', 'tandy'],
  },
];

let workDir: string;

async function packTo(dir: string, packDir: string): Promise<string> {
  await mkdir(packDir, { recursive: true });
  await run('npx', ['-y', pnpm, 'pack', '--pack-destination', packDir], { cwd: path.join(root, 'packages', dir) });
  const tarball = (await readdir(packDir)).find((f) => f.endsWith('.tgz') && f.includes(dir));
  if (!tarball) throw new Error(`no tarball for ${dir}`);
  return path.join(packDir, tarball);
}

// The pinned pnpm, as the root package.json names it: `pnpm pack` writes the manifest as published.
const pnpm = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager as string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-pack-'));
  // Build from the current sources, so that a stale dist can never pass.
  await Promise.all(
    [...packages.map((pkg) => pkg.dir), 'presence-core', 'emulator'].map((dir) =>
      run(path.join(root, 'node_modules/.bin/tsup'), ['--silent'], { cwd: path.join(root, 'packages', dir) }),
    ),
  );
  // The CLI bundles the other packages' builds, so it is built after them.
  await run(path.join(root, 'node_modules/.bin/tsup'), ['--silent'], { cwd: path.join(root, 'packages', 'cli') });
}, 300_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(packages)('$name from its packed tarball', (pkg) => {
  it('installs on its own with npm, imports, and makes a call', async () => {
    const tarball = await packTo(pkg.dir, path.join(workDir, `${pkg.dir}-pack`));
    const appDir = path.join(workDir, `${pkg.dir}-app`);
    await mkdir(appDir, { recursive: true });
    await writeFile(path.join(appDir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: appDir });
    const installed = path.join(appDir, 'node_modules', pkg.name);
    const { stdout: files } = await run('find', ['.', '-type', 'f'], { cwd: installed });
    expect(files.split('\n').filter(Boolean).sort()).toEqual(
      ['./README.md', './dist/index.d.ts', './dist/index.js', './dist/node/index.js', './package.json'].sort(),
    );
    const script = (specifier: string) => `
      const m = await import(${JSON.stringify(specifier)});
      let out;
      ${pkg.call}
      console.log(JSON.stringify(out));`;
    await writeFile(path.join(appDir, 'node-build.mjs'), script(pkg.name));
    // The default (WebCrypto) build, loaded by path since Node always matches the node condition.
    await writeFile(path.join(appDir, 'web-build.mjs'), script(`./node_modules/${pkg.name}/dist/index.js`));
    for (const file of ['node-build.mjs', 'web-build.mjs']) {
      const { stdout } = await run(process.execPath, [file], { cwd: appDir });
      expect(JSON.parse(stdout)).toEqual(pkg.expected);
    }
  });
});

describe('@rollcall/presence-core from its packed tarball', () => {
  it('installs with the one vendor package it is used with, and answers through it', async () => {
    const packDir = path.join(workDir, 'presence-pack');
    const core = await packTo('presence-core', packDir);
    const vendor = await packTo('volcengine-rtc', packDir);
    const appDir = path.join(workDir, 'presence-app');
    await mkdir(appDir, { recursive: true });
    await writeFile(path.join(appDir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', core, vendor], { cwd: appDir });
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

describe('@rollcall/emulator and @rollcall/cli from their packed tarballs', () => {
  it('the emulator installs on its own and serves', async () => {
    const tarball = await packTo('emulator', path.join(workDir, 'emulator-pack'));
    const appDir = path.join(workDir, 'emulator-app');
    await mkdir(appDir, { recursive: true });
    await writeFile(path.join(appDir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: appDir });
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
    const tarball = await packTo('cli', path.join(workDir, 'cli-pack'));
    const appDir = path.join(workDir, 'cli-app');
    await mkdir(appDir, { recursive: true });
    await writeFile(path.join(appDir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: appDir });
    const { stdout } = await run(path.join(appDir, 'node_modules/.bin/rollcall'), ['demo'], { cwd: appDir });
    expect(stdout).toContain('5000 users in 1: 3000 online, 2000 not');
    expect(stdout).toContain('Showing 1000 of 1500 members: the list is truncated');
  });
});
