// quotaOf: the one place limiters and the emulator learn which quota a call counts against.
import { describe, expect, it } from 'vitest';
import { quotaOf } from '../../src/index.js';

const listing = { operationId: 'GetRoomOnlineUsers', qps: 40, qpsWhen: [{ parameter: 'Property', equals: 'true', qps: 1 }] };

describe('quotaOf', () => {
  it("selects the parameter's own quota whether the value is the caller's (a boolean) or the wire's (a query string)", () => {
    const own = { key: 'GetRoomOnlineUsers?Property=true', qps: 1 };
    expect(quotaOf(listing, { AppId: 'a', RoomId: 'r', Property: true })).toEqual(own);
    expect(quotaOf(listing, { AppId: 'a', RoomId: 'r', Property: 'true' })).toEqual(own);
  });
  it("falls back to the operation's quota for any other value, an absent one, or no input", () => {
    const plain = { key: 'GetRoomOnlineUsers', qps: 40 };
    for (const input of [{ Property: false }, { Property: 'false' }, { Property: null }, { RoleType: 1 }, {}, undefined]) {
      expect(quotaOf(listing, input)).toEqual(plain);
    }
    expect(quotaOf({ operationId: 'QueryLiveParticipantStatus', qps: 100 }, { Property: true })).toEqual({ key: 'QueryLiveParticipantStatus', qps: 100 });
  });
});
