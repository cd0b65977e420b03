// vitest globalSetup: build and pack every publishable package once for the tarball tests
// (tests/pack, tests/consumer); the folder is removed at the end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildPublishable, packPublishable } from './tarballs.js';
import './provided-context.js';

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'rollcall-tarballs-'));
  // Built from the current sources, so that a stale dist can never pass.
  await buildPublishable();
  project.provide('tarballs', await packPublishable(dir));
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
