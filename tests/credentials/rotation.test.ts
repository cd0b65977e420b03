// Credentials that expire and rotate, end to end against the emulator, which checks every signature
// and accepts temporary keys only until they expire (issue 26, part 1): a provider whose keys live
// 2 s across a 10 s job, on both transports; a provider that fails; Alibaba Cloud's own credentials
// client; a Tencent key and an Agora secret rotated mid-job.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Credential, { Config } from '@alicloud/credentials';
import { createAgoraRtcClient } from '@rollcall/agora-rtc';
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { DEFAULT_APPS, DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import { CredentialsError } from '@rollcall/runtime';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const JOB_MS = 10_000;
const LIFETIME_MS = 2_000;
const WORKERS = 4;
const PAUSE_MS = 100;

const transports = {
  'node:http': {},
  fetch: { fetch: (request: Request) => globalThis.fetch(request) },
} as const;
type TransportName = keyof typeof transports;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ qps: 'off' });
  emulator.world.join('tencent', 'rotation-room', { userId: 'member-1', joinedAt: 0 });
  emulator.world.join('agora', 'rotation-channel', { userId: '906218805', joinedAt: 0 });
});
afterAll(() => emulator?.close());

function totals() {
  const all = Object.values(emulator.stats());
  return { served: all.reduce((n, s) => n + s.served, 0), rejected: all.reduce((n, s) => n + s.rejected, 0) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The access key id a request was signed with, from its Authorization (or V1's query). */
function accessKeyOf(request: Request): string {
  const authorization = request.headers.get('authorization') ?? '';
  const credential = /Credential=([^/,]+)/.exec(authorization)?.[1];
  return credential ?? new URL(request.url).searchParams.get('AccessKeyId') ?? '';
}

type StsVendor = 'volcengine' | 'aliyun';
const clients = {
  'Volcengine RTC': { vendor: 'volcengine' as StsVendor, make: (options: object) => createVolcengineRtcClient(options as never) },
  'Alibaba V3': { vendor: 'aliyun' as StsVendor, make: (options: object) => createAliyunLiveClient(options as never) },
  'Alibaba V1': { vendor: 'aliyun' as StsVendor, make: (options: object) => createAliyunLiveClient({ ...options, signatureVersion: 'v1' } as never) },
};
const call = (name: keyof typeof clients, client: unknown) =>
  name === 'Volcengine RTC'
    ? (client as ReturnType<typeof createVolcengineRtcClient>).getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'rotation-room' })
    : (client as ReturnType<typeof createAliyunLiveClient>).batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] });

const cases = (Object.keys(clients) as Array<keyof typeof clients>).flatMap((name) =>
  (Object.keys(transports) as TransportName[]).map((transport) => ({ name, transport })),
);

describe.concurrent('temporary keys that live 2 s, across a 10 s job of concurrent calls', () => {
  it.each(cases)('$name | $transport', async ({ name, transport }) => {
    const { vendor, make } = clients[name];
    // The provider: the emulator's STS, as an app's provider would call AssumeRole.
    const expirations = new Map<string, number>();
    const provider = async () => {
      const issued = emulator.issueCredentials(vendor, LIFETIME_MS);
      expirations.set(issued.accessKeyId, Date.parse(issued.expiration));
      return { ...issued, expiration: new Date(issued.expiration) };
    };
    // Every request as it leaves: signed with keys that had not expired.
    const sentWithExpired: string[] = [];
    let sent = 0;
    const send = (request: Request) => {
      sent++;
      const key = accessKeyOf(request);
      const expiresAt = expirations.get(key);
      if (expiresAt === undefined || Date.now() >= expiresAt) sentWithExpired.push(key);
      return globalThis.fetch(request);
    };
    const client = make({ endpoint: emulator.url, credentials: provider, ...(transport === 'fetch' ? { fetch: send } : {}) });
    const started = Date.now();
    let calls = 0;
    let resent = 0;
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (Date.now() - started < JOB_MS) {
          try {
            const answer = await call(name, client);
            calls++;
            if (answer.$metadata.attempts > 1) resent++;
          } catch (error) {
            failures.push(error);
          }
          await sleep(PAUSE_MS);
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    expect(failures).toEqual([]);
    if (transport === 'fetch') {
      expect(sentWithExpired).toEqual([]);
      expect(sent).toBe(calls + resent);
    }
    // Keys living 2 s, refreshed a second before they expire: at least one per 2 s of the job, and
    // no more than one per second — concurrent calls at a refresh share it — plus one per refusal
    // (a request that left in time and arrived late on a busy machine, signed again).
    expect(expirations.size).toBeGreaterThanOrEqual(JOB_MS / LIFETIME_MS);
    expect(expirations.size).toBeLessThanOrEqual(Math.ceil(elapsedMs / (LIFETIME_MS / 2)) + 1 + resent);
    expect(calls).toBeGreaterThan(WORKERS * (JOB_MS / 1000));
  });
});

describe('a provider that fails', () => {
  it('gives a CredentialsError naming no secret once the keys it gave have expired, and nothing is sent', async () => {
    let fail = false;
    const client = createVolcengineRtcClient({
      endpoint: emulator.url,
      credentials: async () => {
        if (fail) throw new Error('AssumeRole: NoPermission');
        return { ...emulator.issueCredentials('volcengine', 60_000), expiration: new Date(Date.now() + 200) };
      },
    });
    const ask = () => client.getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'rotation-room' });
    expect((await ask()).$metadata.attempts).toBe(1);
    fail = true;
    await sleep(250);
    const before = totals();
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).message).toBe('volcengine: the credentials provider failed: AssumeRole: NoPermission');
    expect(totals()).toEqual(before);
  });
});

describe("Alibaba Cloud's own credentials client (@alicloud/credentials), its credentials URI provider", () => {
  let server: Server;
  let url: string;
  let served = 0;
  // Alibaba's client refreshes 15 minutes before expiry: keys for 15 min + 3 s are stale after 3 s.
  const TTL_MS = 15 * 60_000 + 3_000;
  beforeAll(async () => {
    server = createServer((_, res) => {
      served++;
      const issued = emulator.issueCredentials('aliyun', TTL_MS);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          Code: 'Success',
          AccessKeyId: issued.accessKeyId,
          AccessKeySecret: issued.accessKeySecret,
          SecurityToken: issued.securityToken,
          Expiration: issued.expiration,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['v3', 'v1'] as const)('signs with what it hands out at each attempt, and follows its refresh (%s)', async (signatureVersion) => {
    const keys = new Set<string>();
    const credential = new Credential(new Config({ type: 'credentials_uri', credentialsURI: url }));
    const client = createAliyunLiveClient({
      endpoint: emulator.url,
      credentials: credential,
      signatureVersion,
      fetch: (request: Request) => {
        keys.add(accessKeyOf(request));
        return globalThis.fetch(request);
      },
    });
    const servedBefore = served;
    const first = await client.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] });
    expect(first.$metadata.attempts).toBe(1);
    await client.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] });
    expect(keys.size).toBe(1);
    // Once stale in its own reckoning, it fetches new keys, and the next request is signed with them.
    await sleep(3_100);
    await client.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] });
    expect(keys.size).toBe(2);
    expect(served - servedBefore).toBe(2);
    expect([...keys].every((key) => key.startsWith('STS.emu'))).toBe(true);
  });
});

describe('a secret rotated mid-job: the refused request is signed again with the key the provider now gives', () => {
  it('Tencent: the cached UserSig is replaced by one made with the new key', async () => {
    const secretOf = () => emulator.credentials.tencent.secretKey;
    let asked = 0;
    const client = createTencentLiveClient({
      endpoint: emulator.url,
      credentials: async () => {
        asked++;
        return { sdkAppId: DEMO_CREDENTIALS.tencent.sdkAppId, identifier: DEMO_CREDENTIALS.tencent.identifier, secretKey: secretOf() };
      },
    });
    const first = await client.getMemberList({ RoomId: 'rotation-room', Next: '' });
    expect(first.MemberList.map((m) => m.Member_Account)).toEqual(['member-1']);
    const before = totals();
    emulator.rotateSecret('tencent', 'rotated-tencent-secret-key');
    const second = await client.getMemberList({ RoomId: 'rotation-room', Next: '' });
    expect(second.$metadata.attempts).toBe(2);
    expect(asked).toBe(2);
    const third = await client.getMemberList({ RoomId: 'rotation-room', Next: '' });
    expect(third.$metadata.attempts).toBe(1);
    expect(totals()).toEqual({ served: before.served + 2, rejected: before.rejected + 1 });
    emulator.rotateSecret('tencent', DEMO_CREDENTIALS.tencent.secretKey);
  });

  it('Agora: the Basic authorization is made again from the new secret', async () => {
    const client = createAgoraRtcClient({
      endpoint: emulator.url,
      credentials: async () => ({ customerId: DEMO_CREDENTIALS.agora.customerId, customerSecret: emulator.credentials.agora.customerSecret }),
    });
    const ask = () => client.queryUserList({ appid: DEFAULT_APPS.agoraAppId, channelName: 'rotation-channel' });
    expect((await ask()).$metadata.attempts).toBe(1);
    emulator.rotateSecret('agora', 'rotated-agora-secret');
    const after = await ask();
    expect(after.$metadata.attempts).toBe(2);
    expect((await ask()).$metadata.attempts).toBe(1);
    emulator.rotateSecret('agora', DEMO_CREDENTIALS.agora.customerSecret);
  });
});

describe('no credentials given: the environment, by the names the vendors’ tools use', () => {
  const environments = {
    volcengine: { VOLC_ACCESSKEY: DEMO_CREDENTIALS.volcengine.accessKeyId, VOLC_SECRETKEY: DEMO_CREDENTIALS.volcengine.secretAccessKey },
    aliyun: { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.aliyun.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.aliyun.accessKeySecret },
    tencent: {
      TENCENT_IM_SDKAPPID: String(DEMO_CREDENTIALS.tencent.sdkAppId),
      TENCENT_IM_IDENTIFIER: DEMO_CREDENTIALS.tencent.identifier,
      TENCENT_IM_SECRET_KEY: DEMO_CREDENTIALS.tencent.secretKey,
    },
    agora: { AGORA_CUSTOMER_ID: DEMO_CREDENTIALS.agora.customerId, AGORA_CUSTOMER_SECRET: DEMO_CREDENTIALS.agora.customerSecret },
  };
  const calls = {
    volcengine: () =>
      createVolcengineRtcClient({ endpoint: emulator.url }).getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'rotation-room' }),
    aliyun: () => createAliyunLiveClient({ endpoint: emulator.url }).batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] }),
    tencent: () => createTencentLiveClient({ endpoint: emulator.url }).getMemberList({ RoomId: 'rotation-room', Next: '' }),
    agora: () => createAgoraRtcClient({ endpoint: emulator.url }).queryUserList({ appid: DEFAULT_APPS.agoraAppId, channelName: 'rotation-channel' }),
  };
  const all = Object.values(environments).flatMap((env) => Object.keys(env));
  const saved = Object.fromEntries(all.map((name) => [name, process.env[name]]));
  const restore = () => {
    for (const name of all) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  };

  it.each(Object.keys(calls) as Array<keyof typeof calls>)('%s: signs with them, and names them all when one is missing', async (vendor) => {
    try {
      Object.assign(process.env, environments[vendor]);
      const answer = await calls[vendor]();
      expect(answer.$metadata.attempts).toBe(1);
      const names = Object.keys(environments[vendor]);
      delete process.env[names[1]!];
      expect(() => calls[vendor]()).toThrow(new RegExp(`^${vendor}: no credentials given, and the environment lacks ${names[1]} \\(of `));
    } finally {
      restore();
    }
  });
});
