export { startEmulator } from './server.js';
export type { EmulatorOptions, FaultKind, FaultRule, OperationStats, RunningEmulator } from './server.js';
export { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, World, worldIds } from './world.js';
export type { EmulatorCredentials, Member, Seed, SeedMember, TencentApp } from './world.js';
export { MAX_SKEW_MS } from './verify.js';
export type { IssuedCredentials, IssuedCredentialsOf, TemporaryVendor } from './temporary.js';
export { parseSeed, SeedError } from './seed.js';
