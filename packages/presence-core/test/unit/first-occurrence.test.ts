import { describe, expect, it } from 'vitest';
import { FirstOccurrence } from '../../src/first-occurrence.js';

describe('FirstOccurrence', () => {
  it('gives every position the first position of its id, as a Map would, through hash collisions', () => {
    // Few distinct ids among many positions, and ids that differ in one character: a full table's worth of probing.
    const ids = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `user-${i % 997}` : String((i * 7919) % 5003)));
    const index = new FirstOccurrence(ids);
    const reference = new Map<string, number>();
    for (let position = 0; position < ids.length; position++) {
      const expected = reference.get(ids[position]!) ?? position;
      reference.set(ids[position]!, expected);
      expect(index.claim(position)).toBe(expected);
    }
  });

  it('tells apart ids that only look alike', () => {
    const ids = ['1', '01', '1 ', '１', '1', ''];
    const index = new FirstOccurrence(ids);
    expect(ids.map((_, i) => index.claim(i))).toEqual([0, 1, 2, 3, 0, 5]);
  });
});
