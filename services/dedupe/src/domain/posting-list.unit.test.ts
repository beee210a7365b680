import { seededRandom } from '@cogdesk/shared/seeded-random';
import { describe, expect, it } from 'vitest';
import { PostingLists } from './posting-list';

interface Posting {
  readonly documentNumber: number;
  readonly countByte: number;
}

function postingsOf(lists: PostingLists, termId: number): Posting[] {
  const documentNumbers = lists.documentNumbersOf(termId);
  const countBytes = lists.countBytesOf(termId);
  const start = lists.start(termId);
  return Array.from({ length: lists.size(termId) }, (_, i) => ({ documentNumber: documentNumbers[start + i]!, countByte: countBytes[start + i]! }));
}

describe('PostingLists', () => {
  it('keeps each term’s postings in the order they were added', () => {
    const lists = new PostingLists();
    lists.addTerm();
    lists.addTerm();
    lists.add(1, 0, 2);
    lists.add(0, 0, 1);
    lists.add(1, 3, 1);
    expect(postingsOf(lists, 0)).toEqual([{ documentNumber: 0, countByte: 1 }]);
    expect(postingsOf(lists, 1)).toEqual([
      { documentNumber: 0, countByte: 2 },
      { documentNumber: 3, countByte: 1 },
    ]);
    expect(lists.documentFrequency(1)).toBe(2);
  });

  it('keeps removed documents as holes until they are half of a term’s postings', () => {
    const lists = new PostingLists();
    lists.addTerm();
    for (let documentNumber = 0; documentNumber < 4; documentNumber += 1) lists.add(0, documentNumber, 1);
    const removed = new Set<number>();
    const isLive = (documentNumber: number) => !removed.has(documentNumber);
    removed.add(1);
    lists.noteRemoved(0, isLive);
    removed.add(2);
    lists.noteRemoved(0, isLive);
    expect(lists.size(0)).toBe(4);
    expect(lists.documentFrequency(0)).toBe(2);
    removed.add(0);
    lists.noteRemoved(0, isLive);
    expect(postingsOf(lists, 0)).toEqual([{ documentNumber: 3, countByte: 1 }]);
    expect(lists.documentFrequency(0)).toBe(1);
  });

  // Enough terms and postings that every arena is rebuilt many times over, with removals in between.
  it('matches a list per term, holes included, through growth, rebuilds and compaction', () => {
    const random = seededRandom(11);
    const lists = new PostingLists();
    const reference: Posting[][] = [];
    const referenceHoles: number[] = [];
    const removed = new Set<number>();
    const isLive = (documentNumber: number) => !removed.has(documentNumber);
    const documentTerms: number[][] = [];
    for (let documentNumber = 0; documentNumber < 3000; documentNumber += 1) {
      if (random() < 0.05 || reference.length === 0) {
        for (let i = 0; i < 20; i += 1) {
          lists.addTerm();
          reference.push([]);
          referenceHoles.push(0);
        }
      }
      const terms = [...new Set(Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(reference.length * random() ** 2)))];
      for (const termId of terms) {
        const countByte = 1 + Math.floor(random() * 254);
        lists.add(termId, documentNumber, countByte);
        reference[termId]!.push({ documentNumber, countByte });
      }
      documentTerms.push(terms);
      if (random() < 0.3) {
        const victim = Math.floor(random() * documentNumber);
        if (removed.has(victim)) continue;
        removed.add(victim);
        for (const termId of documentTerms[victim]!) {
          lists.noteRemoved(termId, isLive);
          referenceHoles[termId]! += 1;
          if (referenceHoles[termId]! * 2 > reference[termId]!.length) {
            reference[termId] = reference[termId]!.filter((posting) => isLive(posting.documentNumber));
            referenceHoles[termId] = 0;
          }
        }
      }
    }
    expect(lists.termCount).toBe(reference.length);
    for (const [termId, postings] of reference.entries()) {
      expect(postingsOf(lists, termId)).toEqual(postings);
      expect(lists.documentFrequency(termId)).toBe(postings.filter((posting) => isLive(posting.documentNumber)).length);
    }
  });
});
