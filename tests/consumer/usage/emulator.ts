// @rollcall/emulator: started with every option, its state read through its types.
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, type EmulatorOptions, type RunningEmulator } from '@rollcall/emulator';
import { routeVolcengine, volcengineFail, volcengineOk, volcengineStatus, wire, type Reply } from '@rollcall/emulator/wire';

// The wire module: answers shaped as the vendor shapes them, typed by the generated types.
const route = routeVolcengine({ method: 'POST', url: new URL('http://x/?Action=QueryLiveParticipantStatus&Version=2020-12-01') });
const answer: Reply = volcengineOk(route, 'r', { Status: [volcengineStatus(1, 7, 'alice', null)] });
const refused: Reply = volcengineFail(route, 'r', 'SignatureDoesNotMatch', 'no');
const codeN: number = wire.volcengine.gatewayCodes.SignatureDoesNotMatch.codeN;

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
  return `${emulator.url} ${Object.keys(stats).length} ${JSON.stringify(DEFAULT_APPS)} ${route.operationId} ${answer.status} ${refused.status} ${codeN}`;
}
