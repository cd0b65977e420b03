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
    // int64 ids: a bigint, a decimal string or a safe number in; decimal strings out.
    const result = await client.queryLiveParticipantStatus(
      { AppId: 583401, ConversationShortId: 7226277271248584971n, ParticipantUserIds: ['1847260331508621312', 6812345672n, 10001] },
      options,
    );
    const first: boolean | undefined = result.Status[0]?.IsInConversation;
    const exactId: string | undefined = result.Status[0]?.ParticipantUserId;
    const room = await client.getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' });
    // @ts-expect-error: an id is a bigint, a string or a number, never a boolean.
    await client.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: true, ParticipantUserIds: ['10001'] });
    void exactId;
    return `${first} ${metadata(result.$metadata)} ${room.$metadata.httpStatus} ${operations.queryLiveParticipantStatus.qps}`;
  } catch (error) {
    return describe(error);
  }
}
