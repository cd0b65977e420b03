#!/usr/bin/env node
// pnpm spec:diff: compares each vendor spec with the spec of its package's last release and says
// what the change means for users (see classify.mjs for the rules).
//
//   node tools/spec-diff/index.mjs           print the classification per package
//   node tools/spec-diff/index.mjs --write   also write a changeset with at least that bump
//   node tools/spec-diff/index.mjs --check   exit 1 when a spec changed since the last release and no
//                                            pending changeset bumps its package at least that much
//
// The last release is the highest `<package>@<version>` git tag (`changeset publish` makes them; push
// them with `git push --follow-tags`). A package never released needs a pending changeset of its own.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { targets } from '../generate/index.mjs';
import { classifyApiChange } from './api.mjs';
import { BUMP, classifySpecChange } from './classify.mjs';

const BUMP_RANK = { none: 0, patch: 1, minor: 2, major: 3 };

const git = (cwd, args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

function semverKey(version) {
  const [core, pre] = version.split('-');
  return [...core.split('.').map(Number), pre ? 0 : 1];
}
function compareVersions(a, b) {
  const ka = semverKey(a);
  const kb = semverKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return 0;
}

/** The highest release tag of a package, or null. */
export function lastReleaseTag(root, name) {
  const tags = git(root, ['tag', '--list', `${name}@*`])
    .split('\n')
    .filter(Boolean);
  const versions = tags.map((t) => t.slice(name.length + 1)).filter((v) => /^\d+\.\d+\.\d+/.test(v));
  if (!versions.length) return null;
  return `${name}@${versions.sort(compareVersions).at(-1)}`;
}

/** The bump each package gets from the changesets waiting in .changeset/. */
export function pendingBumps(root) {
  const dir = path.join(root, '.changeset');
  const bumps = {};
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    for (const [name, bump] of Object.entries(parseYaml(front?.[1] ?? '') ?? {})) {
      if ((BUMP_RANK[bump] ?? 0) > (BUMP_RANK[bumps[name]] ?? 0)) bumps[name] = bump;
    }
  }
  return bumps;
}

/** Classification of every vendor package's spec against its last release. */
export function specDiff(root) {
  return targets.map(({ spec, pkg }) => {
    const name = JSON.parse(readFileSync(path.join(root, pkg, 'package.json'), 'utf8')).name;
    const tag = lastReleaseTag(root, name);
    const current = parseYaml(readFileSync(path.join(root, spec), 'utf8'));
    if (!tag) return { name, spec, tag: null, kind: 'initial', bump: 'patch', changes: [{ kind: 'feature', where: name, what: 'never released' }] };
    let released;
    try {
      released = parseYaml(git(root, ['show', `${tag}:${spec}`]));
    } catch {
      return { name, spec, tag, kind: 'feature', bump: 'minor', changes: [{ kind: 'feature', where: spec, what: `new spec since ${tag}` }] };
    }
    return { name, spec, tag, ...classifySpecChange(released, current) };
  });
}

/**
 * Every published package whose committed API reports (packages/<p>/api) changed since its last
 * release: hand-written exports change a package's API as a spec change does, and propose a bump the
 * same way. A report that did not exist at the release counts as new (a feature).
 */
export function apiDiff(root) {
  const out = [];
  const packages = path.join(root, 'packages');
  for (const folder of existsSync(packages) ? readdirSync(packages).sort() : []) {
    const apiDir = path.join(packages, folder, 'api');
    const manifest = path.join(packages, folder, 'package.json');
    if (!existsSync(apiDir) || !existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (pkg.private) continue;
    const tag = lastReleaseTag(root, pkg.name);
    if (!tag) continue; // never released: its first release carries everything
    const changes = [];
    for (const file of readdirSync(apiDir).filter((f) => f.endsWith('.api.md'))) {
      const relative = `packages/${folder}/api/${file}`;
      let released = '';
      try {
        released = git(root, ['show', `${tag}:${relative}`]);
      } catch {
        // No report at the release (reports came later): every declaration counts as added.
      }
      changes.push(...classifyApiChange(released, readFileSync(path.join(apiDir, file), 'utf8'), relative).changes);
    }
    const kind = changes.some((c) => c.kind === 'breaking') ? 'breaking' : changes.length ? 'feature' : 'none';
    out.push({ name: pkg.name, spec: `packages/${folder}/api`, tag, kind, bump: BUMP[kind], changes });
  }
  return out;
}

export function changesetText(result) {
  const lines = result.changes.map((c) => `- ${c.kind}: ${c.where}: ${c.what}`);
  const what = result.spec.endsWith('/api') ? `The exported API (${result.spec})` : `The vendor spec (${result.spec})`;
  return `---\n'${result.name}': ${result.bump}\n---\n\n${what} changed since ${result.tag}:\n\n${lines.join('\n')}\n`;
}

function main(argv) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const cwd = argv.includes('--root') ? path.resolve(argv[argv.indexOf('--root') + 1]) : root;
  const results = [...specDiff(cwd), ...apiDiff(cwd)];
  const pending = pendingBumps(cwd);
  let failed = false;
  for (const r of results) {
    const since = r.tag ? `since ${r.tag}` : 'no release yet';
    console.log(`${r.name} (${r.spec}, ${since}): ${r.kind}${r.bump !== 'none' ? ` → at least a ${r.bump}` : ''}`);
    for (const c of r.kind === 'initial' ? [] : r.changes) console.log(`  ${c.kind.padEnd(8)} ${c.where}: ${c.what}`);
    if (r.bump === 'none') continue;
    const have = pending[r.name] ?? 'none';
    if (argv.includes('--write') && r.tag && BUMP_RANK[have] < BUMP_RANK[r.bump]) {
      const prefix = r.spec.endsWith('/api') ? 'api' : 'spec';
      const file = path.join(cwd, '.changeset', `${prefix}-${r.name.replace(/^@[^/]+\//, '')}-${r.tag.split('@').at(-1).replaceAll('.', '-')}.md`);
      writeFileSync(file, changesetText(r));
      console.log(`  wrote ${path.relative(cwd, file)}: describe the change for users before you commit it`);
      pending[r.name] = r.bump;
    }
    if (argv.includes('--check') && BUMP_RANK[pending[r.name] ?? 'none'] < BUMP_RANK[r.bump]) {
      console.error(
        `${r.name}: its ${r.spec.endsWith('/api') ? 'exported API' : 'spec'} changed (${r.kind}${r.tag ? ` since ${r.tag}` : ''}) but the pending changesets give it ` +
          `${pending[r.name] ?? 'no'} bump; run \`npx -y pnpm@12.4.2 spec:diff --write\` or add a changeset of at least ${r.bump}.`,
      );
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main(process.argv.slice(2));
