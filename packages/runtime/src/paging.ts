// The guard every listing walk shares: each item delivered once however often the vendor lists it,
// and a walk stopped when its pages stop bringing anything new (a vendor whose list churns, or that
// hands out yet another cursor over the same items, would otherwise be read forever).

/** Pages in a row without a new item after which a walk has stalled (an empty page can happen once). */
export const MAX_IDLE_PAGES = 2;

export class PageWalk<T> {
  readonly #keyOf: (item: T) => string;
  readonly #seen = new Set<string>();
  #idle = 0;

  constructor(keyOf: (item: T) => string) {
    this.#keyOf = keyOf;
  }

  /** The page's items not delivered before, each once, in the page's order. */
  take(items: readonly T[]): T[] {
    const fresh = items.filter((item) => {
      const key = this.#keyOf(item);
      return !this.#seen.has(key) && this.#seen.add(key);
    });
    this.#idle = fresh.length === 0 ? this.#idle + 1 : 0;
    return fresh;
  }

  /** Items delivered so far. */
  get seen(): number {
    return this.#seen.size;
  }

  /** The last MAX_IDLE_PAGES pages brought nothing new. */
  get stalled(): boolean {
    return this.#idle >= MAX_IDLE_PAGES;
  }

  /** Pages in a row without a new item, the last one included. */
  get idlePages(): number {
    return this.#idle;
  }
}
