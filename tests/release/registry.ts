// A real npm registry on loopback for the release test: verdaccio (pinned in the root
// devDependencies), its storage in a temporary folder, @rollcall/* only (nothing is proxied).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '@rollcall/test-support/mock-servers';
import { root } from '@rollcall/test-support/tarballs';

export interface LocalRegistry {
  url: string;
  /** A token of a user allowed to publish. */
  token: string;
  stop(): Promise<void>;
}

export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = path.join(dir, 'verdaccio.yaml');
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      'uplinks: {}',
      'packages:',
      "  '@rollcall/*':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      'server: { keepAliveTimeout: 0 }',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(path.join(root, 'node_modules/.bin/verdaccio'), ['--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + String(d)).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + String(d)).slice(-4000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output}`);
      const ok = await fetch(`${url}-/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer at ${url}:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // `npm adduser`, as its API: creates the user and answers with a token.
    const answer = await fetch(`${url}-/user/org.couchdb.user:release-test`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'release-test', password: 'release-test-password', email: 'release@example.invalid' }),
    });
    const { token } = (await answer.json()) as { token?: string };
    if (!answer.ok || !token) throw new Error(`verdaccio refused the user: ${answer.status}`);
    return { url, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
