import { describe, expect, it } from 'vitest';
import { coverage, type SparseVector, type WeightedTerms } from './sparse-vector';

function vector(termIds: readonly number[]): SparseVector {
  return { termIds: Int32Array.from(termIds), weights: Float64Array.from(termIds, () => 1), norm: Math.sqrt(termIds.length) };
}

function terms(weights: Readonly<Record<number, number>>, unlisted = 0): WeightedTerms {
  const termIds = Object.keys(weights).map(Number).sort((a, b) => a - b);
  const listed = Float64Array.from(termIds, (termId) => weights[termId]!);
  return { termIds: Int32Array.from(termIds), weights: listed, total: listed.reduce((sum, weight) => sum + weight, unlisted) };
}

describe('coverage', () => {
  it('is the share of the terms’ weight that the vector also holds, whatever else it holds', () => {
    expect(coverage(terms({ 2: 3, 5: 1 }), vector([1, 2, 3, 4]))).toBeCloseTo(0.75, 10);
    expect(coverage(terms({ 2: 3, 5: 1 }), vector([2, 5, 7, 8, 9]))).toBe(1);
    expect(coverage(terms({ 2: 3, 5: 1 }), vector([1, 3]))).toBe(0);
  });

  it('counts terms nobody else has in the total', () => {
    expect(coverage(terms({ 2: 3 }, 3), vector([2]))).toBeCloseTo(0.5, 10);
  });

  it('is 0 for no terms at all', () => {
    expect(coverage(terms({}), vector([1, 2]))).toBe(0);
  });
});
