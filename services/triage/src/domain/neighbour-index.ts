import type { SparseVector } from './sparse-vector';
import type { Neighbour } from './types';

/**
 * Exact cosine k-nearest-neighbours over unit vectors. A brute-force scan is fast enough for a desk's
 * labelled history (a few thousand tickets: a few ms) and takes every new label into account at once; it
 * covers the `searched` most recently set vectors, so its cost stays bounded as the history grows.
 */
export class NeighbourIndex {
  private readonly vectors = new Map<string, SparseVector>();

  constructor(private readonly searched = Infinity) {}

  /** Adds or replaces a vector; either way it becomes the most recent. */
  set(ticketId: string, vector: SparseVector): void {
    this.vectors.delete(ticketId);
    this.vectors.set(ticketId, vector);
  }

  delete(ticketId: string): void {
    this.vectors.delete(ticketId);
  }

  /** The `k` most similar tickets (similarity > 0), best first; `excludeId` is never its own neighbour. */
  nearest(query: SparseVector, k: number, excludeId?: string): Neighbour[] {
    // Scatter the query once so each comparison is a single pass over the stored vector.
    const dense = new Float32Array((query.indices.at(-1) ?? -1) + 1);
    query.indices.forEach((index, i) => (dense[index] = query.values[i]!));
    const best: Neighbour[] = [];
    let older = this.vectors.size - this.searched;
    for (const [ticketId, vector] of this.vectors) {
      if (older-- > 0 || ticketId === excludeId) continue;
      let similarity = 0;
      for (let i = 0; i < vector.indices.length; i++) similarity += vector.values[i]! * (dense[vector.indices[i]!] ?? 0);
      if (similarity <= 0 || (best.length === k && similarity <= best[k - 1]!.similarity)) continue;
      best.splice(insertionPoint(best, similarity), 0, { ticketId, similarity: Math.min(1, similarity) });
      if (best.length > k) best.pop();
    }
    return best;
  }
}

function insertionPoint(sorted: readonly Neighbour[], similarity: number): number {
  let i = sorted.length;
  while (i > 0 && sorted[i - 1]!.similarity < similarity) i--;
  return i;
}
