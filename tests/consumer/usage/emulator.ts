// @rollcall/emulator: started with every option, its state read through its types.
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, type EmulatorOptions, type RunningEmulator } from '@rollcall/emulator';

const emulatorOptions: EmulatorOptions = {
  host: '127.0.0.1',
  port: 0,
  seed: generateSeed(2, 7),
  credentials: DEMO_CREDENTIALS,
  qps: { QueryLiveParticipantStatus: 1000 },
  faults: [],
  tencentPageSize: 100,
  now: () => Date.now(),
  checkSignatures: true,
};

export async function run(): Promise<string> {
  const emulator: RunningEmulator = await startEmulator(emulatorOptions);
  const stats = emulator.stats();
  await emulator.close();
  return `${emulator.url} ${Object.keys(stats).length} ${JSON.stringify(DEFAULT_APPS)}`;
}
