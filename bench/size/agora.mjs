// One user-list call with rollcall.
import { createAgoraRtcClient } from '@rollcall/agora-rtc';
const client = createAgoraRtcClient({ credentials: { customerId: 'id', customerSecret: 'secret' } });
client.queryUserList({ appid: 'app', channelName: 'channel' }).then(console.log);
