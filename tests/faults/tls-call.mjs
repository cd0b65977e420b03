// One call to an HTTPS server whose certificate the fault suite's test CA issued, in a process of
// its own: the CA is trusted only here (NODE_EXTRA_CA_CERTS, read at start-up), so a certificate
// fails for what is wrong with it (expired, another name), not for an unknown issuer. Prints the
// error's name, code and whether it is retryable.
//   NODE_EXTRA_CA_CERTS=tests/faults/tls/test-ca.crt node tests/faults/tls-call.mjs <endpoint> <node:http|fetch> <vendor>
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';

const [endpoint, transport, vendor] = process.argv.slice(2);
// Three attempts allowed: the server counts how many were made.
const options = { endpoint, retry: { maxAttempts: 3, baseDelayMs: 1 }, ...(transport === 'fetch' && { fetch: (request) => globalThis.fetch(request) }) };
const calls = {
  volcengine: () =>
    createVolcengineRtcClient({ credentials: { accessKeyId: 'AKLT-tls', secretAccessKey: 'tls-secret' }, ...options }).getRoomOnlineUsers({
      AppId: 'app',
      RoomId: 'room',
    }),
  aliyun: () =>
    createAliyunLiveClient({ credentials: { accessKeyId: 'LTAI-tls', accessKeySecret: 'tls-secret' }, ...options }).batchGetOnlineUsers({
      AppId: 'app',
      GroupId: 'g',
      UserIds: ['u1'],
    }),
  tencent: () =>
    createTencentLiveClient({ credentials: { sdkAppId: 1400000001, identifier: 'administrator', secretKey: 'tls-secret' }, ...options }).getMemberList({
      RoomId: 'room',
      Next: '',
    }),
};
const error = await calls[vendor]().then(
  () => undefined,
  (e) => e,
);
console.log(JSON.stringify({ name: error?.name, code: error?.code, retryable: error?.retryable, message: error?.message }));
