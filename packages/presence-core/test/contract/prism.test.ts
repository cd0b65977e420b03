// presence-core over the real clients against the Prism mocks of the three specs.
import { describe, expect, inject, it } from 'vitest';
import { loadSpec, prismFetch } from '@rollcall/test-support/contract';
import { createPresence, LimiterRegistry, NotFoundError } from '../../src/index.js';
import { aliyun } from '../../src/providers/aliyun.js';
import { tencent } from '../../src/providers/tencent.js';
import { volcengine } from '../../src/providers/volcengine.js';

const urls = inject('mockUrls');
const options = () => ({ limiters: new LimiterRegistry(), retry: { maxAttempts: 1 } });

describe('presence over Prism', () => {
  it('Volcengine status, details and roster', async () => {
    const prism = prismFetch();
    const presence = createPresence(
      volcengine({
        credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
        endpoint: urls.volcengine,
        fetch: prism.fetch,
        imAppId: 0,
        rtcAppId: '661e1234543cf',
      }),
      options(),
    );
    // The spec's example answers for 10003, 10001 and 10002.
    const status = await presence.status('1', ['10001', '10002', '10003']);
    expect(status).toMatchObject([
      { ok: true, userId: '10001', online: true, joinedAt: new Date(1687068887 * 1000) },
      { ok: true, userId: '10002', online: false, joinedAt: null },
      { ok: true, userId: '10003', online: false, joinedAt: null },
    ]);
    expect(await presence.isOnline('1', '10001')).toBe(true);
    const details = await presence.details('1', ['10001', '10002']);
    expect(details).toMatchObject([
      { ok: true, found: true, role: 'owner', nickname: 'NickName1' },
      { ok: true, found: true, role: 'member', nickname: 'NickName2' },
    ]);
    const roster = await presence.roster('Room1');
    expect(roster.members.map((m) => [m.userId, m.visibility])).toEqual([
      ['normal_user_1', 'visible'],
      ['silent_user_1', 'invisible'],
    ]);
    // The example reports 3 invisible users but lists one: the roster says it is incomplete.
    expect(roster).toMatchObject({ total: 6, truncated: true, next: null });
    prism.prefer('example=roomMissing');
    await expect(Promise.resolve(presence.roster('Room1'))).rejects.toBeInstanceOf(NotFoundError);
    expect(prism.exchanges.every((e) => e.violations === null)).toBe(true);
  });

  it('Alibaba status', async () => {
    const prism = prismFetch();
    const presence = createPresence(
      aliyun({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint: urls.aliyun, fetch: prism.fetch, appId: 'app' }),
      options(),
    );
    expect(await presence.status('group', ['de1**a0'])).toMatchObject([{ ok: true, userId: 'de1**a0', online: true, joinedAt: null }]);
    prism.prefer('code=403');
    const [entry] = await presence.status('group', ['de1**a0'], { failures: 'report' });
    expect(entry).toMatchObject({ ok: false, error: { name: 'AuthError', code: 'Forbidden', httpStatus: 403 } });
    expect(prism.exchanges.every((e) => e.violations === null)).toBe(true);
  });

  it('Tencent roster, and its documented room-missing error', async () => {
    const prism = prismFetch();
    const presence = createPresence(
      tencent({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, endpoint: urls.tencent, fetch: prism.fetch }),
      options(),
    );
    const members = await presence.roster('room_id').all();
    expect(members.map((m) => m.userId)).toEqual(['brennan1', 'tandy']);
    expect(await presence.roster('room_id')).toMatchObject({ total: 2, truncated: false, next: null });
    prism.prefer('example=roomNotFound');
    await expect(presence.roster('room_id').all()).rejects.toBeInstanceOf(NotFoundError);
    expect(prism.exchanges.every((e) => e.violations === null)).toBe(true);
  });
});
