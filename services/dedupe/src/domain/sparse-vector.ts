/** A sparse vector: term ids ascending with their weights, and its Euclidean norm. */
export interface SparseVector {
  readonly termIds: Int32Array;
  readonly weights: Float64Array;
  readonly norm: number;
}

/** A set of terms (ids ascending) with a weight each, and the total weight of all terms, listed or not. */
export interface WeightedTerms {
  readonly termIds: Int32Array;
  readonly weights: Float64Array;
  readonly total: number;
}

export const emptySparseVector: SparseVector = { termIds: new Int32Array(0), weights: new Float64Array(0), norm: 0 };

/** Calls `visit(i, j)` for each term id the two ascending lists share, at its position in each. */
function forEachShared(left: Int32Array, right: Int32Array, visit: (i: number, j: number) => void): void {
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const a = left[i]!;
    const b = right[j]!;
    if (a === b) visit(i++, j++);
    else if (a < b) i += 1;
    else j += 1;
  }
}

/** Cosine similarity in 0..1 (weights are non-negative); 0 when either vector is empty. */
export function cosineSimilarity(a: SparseVector, b: SparseVector): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  let dot = 0;
  forEachShared(a.termIds, b.termIds, (i, j) => (dot += a.weights[i]! * b.weights[j]!));
  return Math.min(1, dot / (a.norm * b.norm));
}

/** The term ids two vectors share, ordered by their contribution to the dot product, largest first. */
export function sharedTermIds(a: SparseVector, b: SparseVector): number[] {
  const shared: { termId: number; contribution: number }[] = [];
  forEachShared(a.termIds, b.termIds, (i, j) => shared.push({ termId: a.termIds[i]!, contribution: a.weights[i]! * b.weights[j]! }));
  return shared.sort((x, y) => y.contribution - x.contribution).map((entry) => entry.termId);
}

/**
 * The share of the terms' total weight held by terms the vector also has, 0..1 (0 for no terms): how much
 * of one text another mentions, whatever else either says.
 */
export function coverage(terms: WeightedTerms, vector: SparseVector): number {
  if (terms.total === 0) return 0;
  let covered = 0;
  forEachShared(terms.termIds, vector.termIds, (i) => (covered += terms.weights[i]!));
  return Math.min(1, covered / terms.total);
}
