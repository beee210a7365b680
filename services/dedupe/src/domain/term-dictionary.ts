import type { FieldName } from './ticket-analysis';
import { withRoom } from './typed-arrays';

/**
 * Term ids of every field's vocabulary, given out in order of first use (one id space for all fields), and
 * the terms they stand for. Each distinct string is kept once: a title term shares the string of the same
 * word in `words`, and a bigram of two known words is kept as the pair of their ids, in a hash table of
 * typed arrays (bigrams are most of the vocabulary, and most occur once).
 */
export class TermDictionary {
  private readonly idsByString: Readonly<Record<Exclude<FieldName, 'bigrams'>, Map<string, number>>> = {
    title: new Map(),
    words: new Map(),
    identifiers: new Map(),
  };
  private readonly wordPairs = new PairTable();
  // Bigrams that are not two known words: only in hand-made analyses, or when first seen before their words.
  private readonly otherBigrams = new Map<string, number>();
  private readonly strings: string[] = [];
  // Per term id: its string's index in `strings`, or -(entry + 1) for an entry of `wordPairs`.
  private references = new Int32Array(0);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The term's id, or undefined when it was never given one. */
  find(field: FieldName, term: string): number | undefined {
    if (field !== 'bigrams') return this.idsByString[field].get(term);
    const pair = this.wordIdsOf(term);
    const termId = pair === undefined ? undefined : this.wordPairs.get(pair.first, pair.second);
    return termId ?? (this.otherBigrams.size === 0 ? undefined : this.otherBigrams.get(term));
  }

  /** The term's id, given the next one when it has none yet. */
  idFor(field: FieldName, term: string): number {
    const existing = this.find(field, term);
    if (existing !== undefined) return existing;
    const termId = this.count;
    this.references = withRoom(this.references, termId + 1);
    this.count += 1;
    const pair = field === 'bigrams' ? this.wordIdsOf(term) : undefined;
    if (pair !== undefined) {
      this.references[termId] = -(this.wordPairs.add(pair.first, pair.second, termId) + 1);
      return termId;
    }
    const stringIndex = this.stringIndexFor(field, term);
    this.references[termId] = stringIndex;
    const string = this.strings[stringIndex]!;
    if (field === 'bigrams') this.otherBigrams.set(string, termId);
    else this.idsByString[field].set(string, termId);
    return termId;
  }

  /** The term a term id stands for. */
  termOf(termId: number): string | undefined {
    if (!(termId >= 0 && termId < this.count)) return undefined;
    const reference = this.references[termId]!;
    if (reference >= 0) return this.strings[reference];
    const entry = -reference - 1;
    return `${this.termOf(this.wordPairs.firstOf(entry))} ${this.termOf(this.wordPairs.secondOf(entry))}`;
  }

  // A bigram is two words joined by a space (words never hold one); both must be known words.
  private wordIdsOf(bigram: string): { first: number; second: number } | undefined {
    const space = bigram.indexOf(' ');
    if (space < 0) return undefined;
    const first = this.idsByString.words.get(bigram.slice(0, space));
    const second = first === undefined ? undefined : this.idsByString.words.get(bigram.slice(space + 1));
    return second === undefined ? undefined : { first: first!, second };
  }

  private stringIndexFor(field: FieldName, term: string): number {
    const twin = field === 'title' ? 'words' : field === 'words' ? 'title' : undefined;
    const twinId = twin === undefined ? undefined : this.idsByString[twin].get(term);
    if (twinId !== undefined) return this.references[twinId]!;
    this.strings.push(ownCopy(term));
    return this.strings.length - 1;
  }
}

/**
 * A copy of the string that holds its own characters. Terms are cut out of ticket text, and V8 may keep such
 * a substring as a view of the whole text: a vocabulary that keeps it would keep the text alive too.
 */
function ownCopy(term: string): string {
  return term.length < 13 ? term : (JSON.parse(JSON.stringify(term)) as string);
}

const emptySlot = 0;
const maxLoad = 0.6;

/** (first, second) pairs of non-negative integers → a value, by open addressing with linear probing. */
class PairTable {
  // Entry index + 1 per slot, `emptySlot` for none; the size is a power of two.
  private slots = new Int32Array(1024);
  private firsts = new Int32Array(0);
  private seconds = new Int32Array(0);
  private values = new Int32Array(0);
  private count = 0;

  get(first: number, second: number): number | undefined {
    const { slots, firsts, seconds } = this;
    const mask = slots.length - 1;
    for (let slot = hashPair(first, second) & mask; ; slot = (slot + 1) & mask) {
      const occupant = slots[slot]!;
      if (occupant === emptySlot) return undefined;
      const entry = occupant - 1;
      if (firsts[entry] === first && seconds[entry] === second) return this.values[entry];
    }
  }

  /** Adds a pair that is not in the table; returns its entry index. */
  add(first: number, second: number, value: number): number {
    if ((this.count + 1) / this.slots.length > maxLoad) this.rehash(this.slots.length * 2);
    const entry = this.count;
    this.firsts = withRoom(this.firsts, entry + 1);
    this.seconds = withRoom(this.seconds, entry + 1);
    this.values = withRoom(this.values, entry + 1);
    this.firsts[entry] = first;
    this.seconds[entry] = second;
    this.values[entry] = value;
    this.count += 1;
    this.place(entry);
    return entry;
  }

  firstOf(entry: number): number {
    return this.firsts[entry]!;
  }

  secondOf(entry: number): number {
    return this.seconds[entry]!;
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = hashPair(this.firsts[entry]!, this.seconds[entry]!) & mask;
    while (this.slots[slot] !== emptySlot) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let entry = 0; entry < this.count; entry += 1) this.place(entry);
  }
}

// Murmur3's finaliser over both numbers: linear probing needs neighbouring pairs spread apart.
function hashPair(first: number, second: number): number {
  let hash = (Math.imul(first, 0x9e3779b1) + second) | 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
