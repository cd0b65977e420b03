// The same call with @volcengine/openapi.
import { Service } from '@volcengine/openapi';
const service = new Service({ serviceName: 'rtc', region: 'cn-north-1', accessKeyId: 'AK', secretKey: 'SK' });
service
  .createJSONAPI('QueryLiveParticipantStatus', { Version: '2020-12-01', method: 'POST' })({ AppId: 1, ConversationShortId: 1, ParticipantUserIds: [1] })
  .then(console.log);
