// Listings: a room's members (roster) and an app's rooms, page by page, as one query callers can
// await (the first page), iterate (every item) or page through — each cut at `maxItems`, and a
// vendor's paging that loops or stalls stopped with a typed error instead of running on.
import { PageWalk } from '@rollcall/runtime';
import type { RoomsOptions, RoomsQuery, RosterOptions, RosterQuery } from './api.js';
import { PaginationLoopError, PaginationStalledError } from './errors.js';
import type { RoomsPage, RosterPage } from './model.js';
import type { ProviderDriver, RosterSource } from './provider.js';
import type { Upstream } from './upstream.js';

/** A listing as callers use it: `await` for the first page, `for await` for every item, `.pages()`, `.all()`. */
function pagedQuery<Page, Item>(pages: () => AsyncIterableIterator<Page>, itemsOf: (page: Page) => readonly Item[]) {
  const firstPage = async () => {
    for await (const page of pages()) return page;
    throw new Error('unreachable: a listing has at least one page');
  };
  return {
    then: <A = Page, B = never>(onFulfilled?: ((page: Page) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) =>
      firstPage().then(onFulfilled, onRejected),
    pages,
    async *[Symbol.asyncIterator](): AsyncIterableIterator<Item> {
      for await (const page of pages()) yield* itemsOf(page);
    },
    async all(): Promise<Item[]> {
      const out: Item[] = [];
      for await (const page of pages()) out.push(...itemsOf(page));
      return out;
    },
  };
}

/**
 * At most `room` of a page's `items`, and whether the listing is cut there: items were left out,
 * or the room is used up while the vendor has more pages.
 */
function takeUpTo<T>(items: readonly T[], room: number, next: string | null): { items: readonly T[]; cut: boolean } {
  const taken = items.length > room ? items.slice(0, room) : items;
  return { items: taken, cut: taken.length < items.length || (room - taken.length <= 0 && next !== null) };
}

export function createListings({
  driver,
  invoke,
  require,
}: {
  driver: ProviderDriver;
  invoke: Upstream['invoke'];
  require: <K extends 'roster' | 'rooms'>(capability: K) => NonNullable<ProviderDriver[K]>;
}) {
  function roster(room: string, rosterOptions: RosterOptions = {}): RosterQuery {
    const source: RosterSource = require('roster');
    source.validate(room);
    const { signal, maxItems = Infinity } = rosterOptions;
    async function* pages(): AsyncIterableIterator<RosterPage> {
      const seenCursors = new Set<string>();
      // Every member delivered so far: a vendor that lists someone again (on a page or across pages)
      // gets the repeat dropped and counted, never delivered twice.
      const walk = new PageWalk<RosterPage['members'][number]>((m) => m.userId);
      let cursor: string | null = null;
      let delivered = 0;
      let fetched = 0;
      const operationId = source.operation.operationId;
      for (;;) {
        signal?.throwIfAborted();
        const page = await invoke(source.operation, signal, (o) => source.fetchPage(room, cursor, o));
        fetched++;
        const fresh = walk.take(page.members);
        const duplicates = page.members.length - fresh.length;
        const { items: members, cut } = takeUpTo(fresh, maxItems - delivered, page.next);
        delivered += members.length;
        const last = cut || page.next === null;
        // A complete listing has as many members as the vendor's count says (or as its cap allows).
        const short = last && page.total !== null && walk.seen < Math.min(page.total, source.listCap ?? Infinity);
        yield { members, total: page.total, truncated: page.truncated || cut || short, duplicates, next: cut ? null : page.next };
        if (last) return;
        const next: string = page.next!;
        if (seenCursors.has(next)) throw new PaginationLoopError(driver.vendor, operationId, next);
        seenCursors.add(next);
        // Pages that bring no one new while naming yet another cursor are not progress.
        if (walk.stalled) {
          throw new PaginationStalledError(driver.vendor, operationId, next, fetched, `${walk.idlePages} pages in a row brought no new member`);
        }
        if (source.listCap !== null && walk.seen > source.listCap) {
          throw new PaginationStalledError(
            driver.vendor,
            operationId,
            next,
            fetched,
            `it listed ${walk.seen} members, more than it can list (${source.listCap})`,
          );
        }
        cursor = next;
      }
    }
    return pagedQuery(pages, (page) => page.members);
  }

  function rooms(roomsOptions: RoomsOptions = {}): RoomsQuery {
    const source = require('rooms');
    const { signal, maxItems = Infinity } = roomsOptions;
    async function* pages(): AsyncIterableIterator<RoomsPage> {
      let delivered = 0;
      let seen = 0;
      signal?.throwIfAborted();
      for await (const page of source.pages((fetch) => invoke(source.operation, signal, fetch))) {
        seen += page.rooms.length;
        const { items: listed, cut } = takeUpTo(page.rooms, maxItems - delivered, page.next);
        delivered += listed.length;
        const last = cut || page.next === null;
        // Pages drift as rooms change: a listing that ends short of the vendor's count may have missed some.
        const short = last && seen < page.total;
        yield { ...page, rooms: listed, truncated: cut || short, next: cut ? null : page.next };
        if (last) return;
        signal?.throwIfAborted();
      }
    }
    return pagedQuery(pages, (page) => page.rooms);
  }

  return { roster, rooms };
}
