// @rollcall/volcengine-rtc: every factory option, a call with call options, the answer's types.
import { createVolcengineRtcClient, operations, type VolcengineRtcClient, type VolcengineRtcClientOptions } from '@rollcall/volcengine-rtc';
import { describe, metadata, options } from './errors.js';

const clientOptions: VolcengineRtcClientOptions = {
  credentials: { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'token' },
  region: 'cn-north-1',
  endpoint: 'http://127.0.0.1:1',
  fetch: (request: Request) => fetch(request),
  timeoutMs: 2000,
  now: () => new Date(),
};
const client: VolcengineRtcClient = createVolcengineRtcClient(clientOptions);

export async function run(): Promise<string> {
  try {
    const result = await client.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [10001] }, options);
    const first: boolean | undefined = result.Status[0]?.IsInConversation;
    const room = await client.getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' });
    // @ts-expect-error: ids are numbers on Volcengine.
    await client.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: ['10001'] });
    return `${first} ${metadata(result.$metadata)} ${room.$metadata.httpStatus} ${operations.queryLiveParticipantStatus.qps}`;
  } catch (error) {
    return describe(error);
  }
}
