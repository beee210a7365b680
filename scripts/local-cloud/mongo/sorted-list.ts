/**
 * An ordered multiset kept as a list of sorted chunks (a two-level B+tree): binary search finds the
 * chunk, then the slot; inserts and deletes move at most one chunk's elements. Iterators survive
 * writes between steps by re-seeking after the last item they yielded, which is what an index
 * cursor needs across getMore calls.
 */
export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;
  /** Bumped by every write so live iterators know their chunk/slot position may be stale. */
  private version = 0;

  constructor(
    private readonly compare: (a: T, b: T) => number,
    private readonly maxChunkSize = 512,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Replaces the contents with already sorted items (index builds and recovery). */
  load(sortedItems: readonly T[]): void {
    const half = this.maxChunkSize >> 1;
    this.chunks = [];
    for (let start = 0; start < sortedItems.length; start += half) {
      this.chunks.push(sortedItems.slice(start, start + half));
    }
    this.count = sortedItems.length;
    this.version++;
  }

  insert(item: T): void {
    this.version++;
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    const chunkIndex = Math.min(this.firstChunkEndingAtOrAfter(item), this.chunks.length - 1);
    const chunk = this.chunks[chunkIndex]!;
    chunk.splice(this.lowerBound(chunk, item), 0, item);
    if (chunk.length > this.maxChunkSize) {
      this.chunks.splice(chunkIndex + 1, 0, chunk.splice(chunk.length >> 1));
    }
  }

  /** Removes one item equal to `item` under the comparator; false when there is none. */
  delete(item: T): boolean {
    const chunkIndex = this.firstChunkEndingAtOrAfter(item);
    const chunk = this.chunks[chunkIndex];
    if (!chunk) return false;
    const slot = this.lowerBound(chunk, item);
    if (slot >= chunk.length || this.compare(chunk[slot]!, item) !== 0) return false;
    chunk.splice(slot, 1);
    if (chunk.length === 0) this.chunks.splice(chunkIndex, 1);
    this.count--;
    this.version++;
    return true;
  }

  /**
   * Yields items in order, ascending from the first item >= `from` (or the start), or descending
   * from the last item <= `from` (or the end).
   */
  *iterate(from: T | undefined, direction: 1 | -1): Generator<T, void, undefined> {
    let [chunkIndex, slot] = this.seek(from, direction, false);
    let seenVersion = this.version;
    let last: T | undefined;
    for (;;) {
      if (seenVersion !== this.version && last !== undefined) {
        [chunkIndex, slot] = this.seek(last, direction, true);
        seenVersion = this.version;
      }
      const chunk = this.chunks[chunkIndex];
      if (!chunk) return;
      if (slot < 0 || slot >= chunk.length) {
        chunkIndex += direction;
        slot = direction === 1 ? 0 : (this.chunks[chunkIndex]?.length ?? 0) - 1;
        continue;
      }
      last = chunk[slot]!;
      slot += direction;
      yield last;
    }
  }

  /** Position of the first item to yield; `exclusive` skips items equal to `from`. */
  private seek(from: T | undefined, direction: 1 | -1, exclusive: boolean): [number, number] {
    if (direction === 1) {
      if (from === undefined) return [0, 0];
      const chunkIndex = exclusive ? this.firstChunkEndingAfter(from) : this.firstChunkEndingAtOrAfter(from);
      const chunk = this.chunks[chunkIndex];
      if (!chunk) return [chunkIndex, 0];
      return [chunkIndex, exclusive ? this.upperBound(chunk, from) : this.lowerBound(chunk, from)];
    }
    if (from === undefined) {
      const lastIndex = this.chunks.length - 1;
      return [lastIndex, (this.chunks[lastIndex]?.length ?? 0) - 1];
    }
    // Last chunk whose first item is <= from (or < from when exclusive).
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const order = this.compare(this.chunks[mid]![0]!, from);
      if (order < 0 || (order === 0 && !exclusive)) lo = mid + 1;
      else hi = mid;
    }
    const chunkIndex = lo - 1;
    const chunk = this.chunks[chunkIndex];
    if (!chunk) return [-1, -1];
    return [chunkIndex, (exclusive ? this.lowerBound(chunk, from) : this.upperBound(chunk, from)) - 1];
  }

  private firstChunkEndingAtOrAfter(item: T): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (this.compare(chunk[chunk.length - 1]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstChunkEndingAfter(item: T): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (this.compare(chunk[chunk.length - 1]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerBound(chunk: readonly T[], item: T): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(chunk[mid]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(chunk: readonly T[], item: T): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(chunk[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
