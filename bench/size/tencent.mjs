// One get_member_list call with rollcall.
import { createTencentLiveClient } from '@rollcall/tencent-live';
const client = createTencentLiveClient({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' } });
client.getMemberList({ RoomId: 'room', Next: '' }).then(console.log);
