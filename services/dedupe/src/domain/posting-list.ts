import { withRoom } from './typed-arrays';

// A range that is full moves to the end of its arena with this much more room (a share of its capacity).
const rangeGrowth = 0.5;
// A rebuild leaves each range this share of its length to grow into, and the arena this much free space.
const rangeSlack = 0.25;
const arenaSlack = 0.25;
const minimumArena = 256;
// Terms are spread over this many arenas (by term id), so that rebuilding one copies a small part of all
// postings: an upsert never stalls on copying them all, nor leaves them all behind as garbage.
const arenaCount = 32;

interface Arena {
  documents: Int32Array;
  counts: Uint8Array;
  end: number;
}

/**
 * The postings of every term: the documents holding it, in the order they were added, each with the term's
 * count byte there. They live in a few arenas of typed arrays, every term owning a range of one, because
 * most terms (rare bigrams) occur in one document and an object per term would cost more than its
 * postings. A full range moves to the end of its arena with room to grow, leaving its old place unused
 * until the arena fills up and is rebuilt without the unused places.
 *
 * Removed documents stay as holes until they are half of a term's postings, then that term's range is
 * compacted, so removal is amortised O(1). `size` counts the holes, `documentFrequency` does not.
 */
export class PostingLists {
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  private capacities = new Int32Array(0);
  private frequencies = new Int32Array(0);
  private terms = 0;
  private readonly arenas: readonly Arena[] = Array.from({ length: arenaCount }, () => ({
    documents: new Int32Array(minimumArena),
    counts: new Uint8Array(minimumArena),
    end: 0,
  }));

  get termCount(): number {
    return this.terms;
  }

  /** Adds a term with no postings; its id is the previous `termCount`. */
  addTerm(): void {
    const length = this.terms + 1;
    this.starts = withRoom(this.starts, length);
    this.lengths = withRoom(this.lengths, length);
    this.capacities = withRoom(this.capacities, length);
    this.frequencies = withRoom(this.frequencies, length);
    this.terms = length;
  }

  /** Document numbers of the term's postings: from `start` to `start + size` of this array. */
  documentNumbersOf(termId: number): Int32Array {
    return this.arenas[termId % arenaCount]!.documents;
  }

  /** Count bytes of the term's postings, parallel to `documentNumbersOf`. */
  countBytesOf(termId: number): Uint8Array {
    return this.arenas[termId % arenaCount]!.counts;
  }

  start(termId: number): number {
    return this.starts[termId]!;
  }

  /** Postings of the term, holes included. */
  size(termId: number): number {
    return this.lengths[termId]!;
  }

  /** How many live documents hold the term. */
  documentFrequency(termId: number): number {
    return this.frequencies[termId]!;
  }

  add(termId: number, documentNumber: number, countByte: number): void {
    const length = this.lengths[termId]!;
    if (length === this.capacities[termId]) this.grow(termId);
    const arena = this.arenas[termId % arenaCount]!;
    const position = this.starts[termId]! + length;
    arena.documents[position] = documentNumber;
    arena.counts[position] = countByte;
    this.lengths[termId] = length + 1;
    this.frequencies[termId]! += 1;
  }

  /** Called after `isLive` turned false for one of the term's documents. */
  noteRemoved(termId: number, isLive: (documentNumber: number) => boolean): void {
    const frequency = this.frequencies[termId]! - 1;
    this.frequencies[termId] = frequency;
    const length = this.lengths[termId]!;
    if ((length - frequency) * 2 > length) this.compact(termId, isLive);
  }

  private compact(termId: number, isLive: (documentNumber: number) => boolean): void {
    const { documents, counts } = this.arenas[termId % arenaCount]!;
    const start = this.starts[termId]!;
    const end = start + this.lengths[termId]!;
    let kept = start;
    for (let position = start; position < end; position += 1) {
      const documentNumber = documents[position]!;
      if (!isLive(documentNumber)) continue;
      documents[kept] = documentNumber;
      counts[kept] = counts[position]!;
      kept += 1;
    }
    this.lengths[termId] = kept - start;
  }

  private grow(termId: number): void {
    const arenaIndex = termId % arenaCount;
    const arena = this.arenas[arenaIndex]!;
    const start = this.starts[termId]!;
    const length = this.lengths[termId]!;
    const capacity = this.capacities[termId]!;
    const extra = Math.max(1, Math.ceil(capacity * rangeGrowth));
    // The last range grows in place.
    if (capacity > 0 && start + capacity === arena.end && arena.end + extra <= arena.documents.length) {
      this.capacities[termId] = capacity + extra;
      arena.end += extra;
      return;
    }
    if (arena.end + length + extra > arena.documents.length) {
      this.rebuild(arenaIndex, length + extra);
      if (this.capacities[termId]! > length) return;
    }
    const moved = this.starts[termId]!;
    arena.documents.copyWithin(arena.end, moved, moved + length);
    arena.counts.copyWithin(arena.end, moved, moved + length);
    this.starts[termId] = arena.end;
    this.capacities[termId] = length + extra;
    arena.end += length + extra;
  }

  // Copies every range of the arena, with room to grow, into new arrays with `reserve` more free space.
  private rebuild(arenaIndex: number, reserve: number): void {
    const arena = this.arenas[arenaIndex]!;
    const { starts, lengths, capacities } = this;
    let total = 0;
    for (let termId = arenaIndex; termId < this.terms; termId += arenaCount) total += roomFor(lengths[termId]!);
    const arenaLength = Math.max(minimumArena, Math.ceil((total + reserve) * (1 + arenaSlack)));
    const documents = new Int32Array(arenaLength);
    const counts = new Uint8Array(arenaLength);
    let end = 0;
    for (let termId = arenaIndex; termId < this.terms; termId += arenaCount) {
      const start = starts[termId]!;
      const length = lengths[termId]!;
      if (length < 16) {
        for (let i = 0; i < length; i += 1) {
          documents[end + i] = arena.documents[start + i]!;
          counts[end + i] = arena.counts[start + i]!;
        }
      } else {
        documents.set(arena.documents.subarray(start, start + length), end);
        counts.set(arena.counts.subarray(start, start + length), end);
      }
      starts[termId] = end;
      capacities[termId] = roomFor(length);
      end += capacities[termId]!;
    }
    arena.documents = documents;
    arena.counts = counts;
    arena.end = end;
  }
}

function roomFor(length: number): number {
  return length + Math.floor(length * rangeSlack);
}
