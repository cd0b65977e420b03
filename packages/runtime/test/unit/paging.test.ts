// The listing walks' shared guard: each item once, and a walk whose pages bring nothing new stopped.
import { describe, expect, it } from 'vitest';
import { MAX_IDLE_PAGES, PageWalk } from '../../src/index.js';

describe('PageWalk', () => {
  it('delivers each item once, in page order, across and within pages', () => {
    const walk = new PageWalk<{ id: string }>((item) => item.id);
    expect(walk.take([{ id: 'a' }, { id: 'b' }, { id: 'a' }]).map((i) => i.id)).toEqual(['a', 'b']);
    expect(walk.take([{ id: 'b' }, { id: 'c' }]).map((i) => i.id)).toEqual(['c']);
    expect(walk.seen).toBe(3);
  });

  it(`has stalled after ${MAX_IDLE_PAGES} pages in a row with nothing new, and a page with something new starts the count again`, () => {
    const walk = new PageWalk<string>((item) => item);
    walk.take(['a']);
    walk.take([]);
    expect([walk.stalled, walk.idlePages]).toEqual([false, 1]);
    walk.take(['b']);
    expect(walk.idlePages).toBe(0);
    for (let i = 0; i < MAX_IDLE_PAGES; i++) walk.take(['a', 'b']);
    expect([walk.stalled, walk.idlePages]).toEqual([true, MAX_IDLE_PAGES]);
  });
});
