// One BatchGetOnlineUsers call with rollcall.
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
const client = createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' } });
client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds: ['u1'] }).then(console.log);
