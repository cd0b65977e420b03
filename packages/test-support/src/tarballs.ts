// The published packages as users get them: built from the current sources, packed by pnpm (which
// writes the manifest as published, `workspace:` ranges replaced) and installed with npm into fresh
// folders outside the workspace.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The pinned pnpm, as the root package.json names it (`pnpm@x.y.z`). */
export const pnpmSpec = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager as string;

export interface PublishablePackage {
  dir: string;
  name: string;
  manifest: Record<string, any>;
  /** The other publishable packages it depends on (dependencies and peer dependencies). */
  siblings: string[];
}

/** Every package that is not private, in an order where each comes after the ones it depends on. */
export function publishablePackages(): PublishablePackage[] {
  const all = readdirSync(path.join(root, 'packages')).flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8'));
    return manifest.private ? [] : [{ dir, name: manifest.name as string, manifest, siblings: [] as string[] }];
  });
  const names = new Set(all.map((p) => p.name));
  for (const pkg of all) {
    pkg.siblings = Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies }).filter((n) => names.has(n));
  }
  const ordered: PublishablePackage[] = [];
  const visit = (pkg: PublishablePackage) => {
    if (ordered.includes(pkg)) return;
    for (const name of pkg.siblings) visit(all.find((p) => p.name === name)!);
    ordered.push(pkg);
  };
  for (const pkg of all) visit(pkg);
  return ordered;
}

/** A package and every publishable package it needs, transitively. */
export function withSiblings(name: string, packages = publishablePackages()): string[] {
  const out = new Set<string>();
  const add = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const s of packages.find((p) => p.name === n)!.siblings) add(s);
  };
  add(name);
  return [...out];
}

/** Builds every publishable package from its sources with tsup, dependencies first. */
export async function buildPublishable(): Promise<void> {
  const packages = publishablePackages();
  const done = new Set<string>();
  while (done.size < packages.length) {
    const ready = packages.filter((p) => !done.has(p.name) && p.siblings.every((s) => done.has(s)));
    await Promise.all(ready.map((p) => run(path.join(root, 'node_modules/.bin/tsup'), ['--silent'], { cwd: path.join(root, 'packages', p.dir) })));
    for (const p of ready) done.add(p.name);
  }
}

/** Packs every publishable package into `dest`; returns the tarball of each, by package name. */
export async function packPublishable(dest: string): Promise<Record<string, string>> {
  await mkdir(dest, { recursive: true });
  const packed = await Promise.all(
    publishablePackages().map(async (pkg) => {
      const { stdout } = await run('npx', ['-y', pnpmSpec, 'pack', '--pack-destination', dest], { cwd: path.join(root, 'packages', pkg.dir) });
      // pnpm prints the tarball's path last.
      const tarball = stdout.trim().split('\n').at(-1)?.trim() ?? '';
      if (!tarball.endsWith('.tgz')) throw new Error(`pnpm pack made no tarball for ${pkg.name}:\n${stdout}`);
      return [pkg.name, tarball] as const;
    }),
  );
  return Object.fromEntries(packed);
}

/** A fresh folder (an ESM app) with `specs` installed by npm: tarball paths or registry specs. */
export async function freshApp(parent: string, label: string, specs: readonly string[], npmArgs: readonly string[] = []): Promise<string> {
  const dir = await mkdtemp(path.join(parent ?? tmpdir(), `${label}-`));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...npmArgs, ...specs], { cwd: dir });
  return dir;
}
