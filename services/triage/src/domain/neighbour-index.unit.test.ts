import { describe, expect, it } from 'vitest';
import { NeighbourIndex } from './neighbour-index';

const unit = (...values: number[]) => {
  const norm = Math.hypot(...values);
  return { indices: Int32Array.from(values.keys()), values: Float32Array.from(values, (v) => v / norm) };
};

describe('NeighbourIndex', () => {
  const index = new NeighbourIndex();
  index.set('a', unit(1, 0, 0));
  index.set('b', unit(1, 1, 0));
  index.set('c', unit(0, 0, 1));

  it('returns the most similar tickets first, leaving out dissimilar ones', () => {
    expect(index.nearest(unit(1, 0.1, 0), 5).map((n) => n.ticketId)).toEqual(['a', 'b']);
  });

  it('returns at most k, and never the excluded ticket', () => {
    expect(index.nearest(unit(1, 0.1, 0), 1, 'a')).toEqual([{ ticketId: 'b', similarity: expect.closeTo(0.77, 2) as number }]);
  });

  it('forgets deleted tickets', () => {
    const index2 = new NeighbourIndex();
    index2.set('a', unit(1, 0));
    index2.delete('a');
    expect(index2.nearest(unit(1, 0), 3)).toEqual([]);
  });
});
