// The same call with fetch and a UserSig from tls-sig-api-v2.
import TLSSigAPIv2 from 'tls-sig-api-v2/TLSSigAPIv2.js';
const userSig = new TLSSigAPIv2.Api(1400000000, 'key').genUserSig('admin', 86400);
fetch(
  `https://console.tim.qq.com/v4/live_engine_http_srv/get_member_list?sdkappid=1400000000&identifier=admin&usersig=${userSig}&random=${Math.floor(Math.random() * 2 ** 32)}&contenttype=json`,
  { method: 'POST', body: JSON.stringify({ RoomId: 'room', Next: '' }) },
);
response.json().then(console.log);
