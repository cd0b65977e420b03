// Cold start: a fresh `node` importing the client and making one call, ours beside the official.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

const scripts = (url: string): Record<string, string> => {
  const { host } = new URL(url);
  return {
    'volcengine: ours': `import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
      await createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint: '${url}' }).queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 1, ParticipantUserIds: [1] });`,
    'volcengine: @volcengine/openapi': `import { Service } from '@volcengine/openapi';
      await new Service({ host: '${host}', protocol: 'http:', serviceName: 'rtc', region: 'cn-north-1', accessKeyId: 'AK', secretKey: 'SK' }).createJSONAPI('QueryLiveParticipantStatus', { Version: '2020-12-01', method: 'POST' })({ AppId: 1, ConversationShortId: 1, ParticipantUserIds: [1] });`,
    'alibaba: ours': `import { createAliyunLiveClient } from '@rollcall/aliyun-live';
      await createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint: '${url}' }).batchGetOnlineUsers({ AppId: 'a', GroupId: 'g', UserIds: ['u0'] });`,
    'alibaba: @alicloud/openapi-client': `import * as $OpenApi from '@alicloud/openapi-client'; import * as $Util from '@alicloud/tea-util';
      const OpenApi = $OpenApi.default.default ?? $OpenApi.default;
      await new OpenApi(new $OpenApi.Config({ accessKeyId: 'AK', accessKeySecret: 'SK', endpoint: '${host}', protocol: 'http' })).callApi(new $OpenApi.Params({ action: 'BatchGetOnlineUsers', version: '2016-11-01', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' }), new $OpenApi.OpenApiRequest({ body: { AppId: 'a', GroupId: 'g', UserIds: 'u0' } }), new $Util.RuntimeOptions({}));`,
  };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function coldStart(url: string, runs = Number(process.env.BENCH_COLD_RUNS ?? 9)): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  const entries = Object.entries(scripts(url));
  const times = new Map<string, number[]>(entries.map(([k]) => [k, []]));
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that disk cache and machine load hit every entry alike.
    for (const [name, source] of entries) {
      const file = `${here}/.cold-${name.replace(/[^a-z]/g, '-')}.mjs`;
      await writeFile(file, source);
      const started = performance.now();
      await run(process.execPath, [file], { cwd: here });
      times.get(name)!.push(performance.now() - started);
    }
  }
  for (const [name, t] of times) out.push([name, median(t)]);
  return out;
}
