// One BatchGetOnlineUsers call with rollcall.
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
const client = createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' } });
console.log(await client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds: ['u1'] }));
