// One Volcengine call to an HTTPS endpoint, in a process of its own that trusts the endpoint's
// certificate (NODE_EXTRA_CA_CERTS, read at start-up) and takes its proxy from HTTPS_PROXY.
// Prints the visible users, or the error's name, code and message.
//   HTTPS_PROXY=http://… NODE_EXTRA_CA_CERTS=… node tests/proxy/proxied-call.mjs <endpoint>
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';

const [endpoint] = process.argv.slice(2);
const client = createVolcengineRtcClient({ credentials: { accessKeyId: 'AKLT-proxy', secretAccessKey: 'proxy-secret' }, endpoint });
try {
  const answer = await client.getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' });
  console.log(JSON.stringify({ users: answer.VisibleUserList }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));
}
