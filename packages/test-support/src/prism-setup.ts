// vitest globalSetup for the contract project: one Prism mock per vendor spec, stopped at the end.
import type { TestProject } from 'vitest/node';
import { startMockServers } from './mock-servers.js';

import './provided-context.js';

export default async function setup(project: TestProject) {
  const servers = await startMockServers();
  project.provide('mockUrls', servers.urls);
  return async () => {
    await servers.stop();
  };
}
