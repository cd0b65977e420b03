// One QueryLiveParticipantStatus call with rollcall: what a user's bundle holds.
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
const client = createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
client.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 1, ParticipantUserIds: [1] }).then(console.log);
