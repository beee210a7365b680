import { seededRandom } from '@cogdesk/shared/seeded-random';
import { describe, expect, it } from 'vitest';
import { DocumentTerms } from './document-terms';

function segmentsOf(store: DocumentTerms, documentNumber: number, segments: number): { termIds: number[]; countBytes: number[] }[] {
  const termIds = store.termIdsOf(documentNumber);
  const countBytes = store.countBytesOf(documentNumber);
  return Array.from({ length: segments }, (_, segment) => {
    const start = store.segmentStart(documentNumber, segment);
    const end = store.segmentEnd(documentNumber, segment);
    return { termIds: [...termIds.subarray(start, end)], countBytes: [...countBytes.subarray(start, end)] };
  });
}

describe('DocumentTerms', () => {
  it('returns each document’s segments as stored', () => {
    const store = new DocumentTerms(2);
    store.add(0, [4, 9, 2], [1, 3, 1], [2, 3]);
    store.add(1, [], [], [0, 0]);
    store.add(2, [7], [200], [0, 1]);
    expect(segmentsOf(store, 0, 2)).toEqual([
      { termIds: [4, 9], countBytes: [1, 3] },
      { termIds: [2], countBytes: [1] },
    ]);
    expect(segmentsOf(store, 1, 2)).toEqual([
      { termIds: [], countBytes: [] },
      { termIds: [], countBytes: [] },
    ]);
    expect(segmentsOf(store, 2, 2)).toEqual([
      { termIds: [], countBytes: [] },
      { termIds: [7], countBytes: [200] },
    ]);
  });

  it('keeps the documents left over many pages while others are removed and pages compacted', () => {
    const random = seededRandom(5);
    const store = new DocumentTerms(3);
    const stored = new Map<number, { termIds: number[]; countBytes: number[] }[]>();
    for (let documentNumber = 0; documentNumber < 5000; documentNumber += 1) {
      const segments = Array.from({ length: 3 }, () => {
        const length = Math.floor(random() * 12);
        return {
          termIds: Array.from({ length }, () => Math.floor(random() * 1e6)),
          countBytes: Array.from({ length }, () => Math.floor(random() * 256)),
        };
      });
      const segmentEnds = segments.map((_, s) => segments.slice(0, s + 1).reduce((sum, segment) => sum + segment.termIds.length, 0));
      store.add(documentNumber, segments.flatMap((segment) => segment.termIds), segments.flatMap((segment) => segment.countBytes), segmentEnds);
      stored.set(documentNumber, segments);
      if (random() < 0.6) {
        const victim = [...stored.keys()][Math.floor(random() * stored.size)]!;
        store.remove(victim);
        stored.delete(victim);
      }
    }
    for (const [documentNumber, segments] of stored) expect(segmentsOf(store, documentNumber, 3)).toEqual(segments);
  });
});
