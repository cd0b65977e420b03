// Where each id of a list first occurs, for lookups of millions of ids: an open-addressing table of
// positions (4 bytes a slot, two slots per id) rather than a Set of the ids, which costs ~30 bytes
// an id and twice that while it grows — most of the difference between a million-id lookup that
// fits in 400 MB and one that does not (bench/results/presence.md, section 3).

/** FNV-1a over UTF-16 code units: fast, and spreads decimal ids well. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class FirstOccurrence {
  /** Position + 1 of the first occurrence held in each slot; 0 is empty. */
  readonly #slots: Int32Array;
  readonly #mask: number;
  readonly #ids: readonly string[];

  constructor(ids: readonly string[]) {
    let size = 16;
    while (size < ids.length * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    this.#ids = ids;
  }

  /** Reads `ids[position]`: its first position so far — `position` itself when it is new. */
  claim(position: number): number {
    const id = this.#ids[position]!;
    for (let slot = hash(id) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const held = this.#slots[slot]!;
      if (held === 0) {
        this.#slots[slot] = position + 1;
        return position;
      }
      if (this.#ids[held - 1] === id) return held - 1;
    }
  }
}
