import { describe, expect, it } from 'vitest';
import { FeatureSpace, defaultFeatureWeights } from './feature-space';
import type { SparseVector } from './sparse-vector';
import { extractTerms } from './text-terms';

const ticket = (title: string, description = '') => extractTerms({ title, description });
const norm = (v: SparseVector) => Math.sqrt(v.values.reduce((sum, x) => sum + x * x, 0));
const cosine = (a: SparseVector, b: SparseVector) => {
  const values = new Map(Array.from(a.indices, (index, i) => [index, a.values[i]!]));
  return Array.from(b.indices).reduce((sum, index, i) => sum + (values.get(index) ?? 0) * b.values[i]!, 0);
};

describe('extractTerms', () => {
  it('is deterministic and counts repeated words', () => {
    const once = ticket('printer jams');
    const twice = ticket('printer jams', 'printer');
    expect(ticket('printer jams')).toEqual(once);
    expect(Math.max(...twice.counts)).toBeGreaterThan(Math.max(...once.counts));
  });
});

describe('FeatureSpace', () => {
  const documents = [ticket('printer jams on every page'), ticket('printer prints blank pages'), ticket('invoice charged twice')];
  const space = FeatureSpace.fit(documents, 0, defaultFeatureWeights);

  it('makes unit vectors with strictly increasing indices', () => {
    const vector = space.vectorize(documents[0]!);
    expect(norm(vector)).toBeCloseTo(1, 5);
    expect(Array.from(vector.indices).every((index, i, all) => i === 0 || index > all[i - 1]!)).toBe(true);
  });

  // Every ticket has some cues (its length, its question marks), so an unknown text keeps only those of an empty one.
  it('drops terms it has never seen', () => {
    expect(space.vectorize(ticket('zebra quokka'))).toEqual(space.vectorize(ticket('')));
    expect(space.vectorize(ticket('printer'))).not.toEqual(space.vectorize(ticket('')));
  });

  it('drops terms seen only once when the history is large enough', () => {
    const pruned = FeatureSpace.fit(documents, 0, { ...defaultFeatureWeights, pruneFrom: 3 });
    expect(pruned.vectorize(ticket('invoice'))).toEqual(pruned.vectorize(ticket('')));
    expect(pruned.vectorize(ticket('printer'))).not.toEqual(pruned.vectorize(ticket('')));
  });

  it('places tickets that share words closer than tickets that do not', () => {
    const [jams, blank, invoice] = documents.map((terms) => space.vectorize(terms));
    expect(cosine(jams!, blank!)).toBeGreaterThan(cosine(jams!, invoice!));
  });

  it('appends the embedding when tickets carry one', () => {
    const withEmbedding = FeatureSpace.fit(documents, 3, defaultFeatureWeights);
    const vector = withEmbedding.vectorize(documents[2]!, [0.5, 0.5, 0.5]);
    expect(withEmbedding.dimension).toBe(space.dimension + 3);
    expect(Array.from(vector.indices).slice(-3)).toEqual([space.dimension, space.dimension + 1, space.dimension + 2]);
    expect(norm(vector)).toBeCloseTo(1, 5);
  });
});
