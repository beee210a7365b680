export interface ResolvedNeighbour {
  readonly similarity: number;
  readonly resolutionHours: number;
}

/**
 * How long a ticket will likely take: the similarity-weighted median of how long its similar resolved
 * tickets took (a median, so one ticket left open for months does not skew it); `null` without any.
 */
export function estimateResolutionHours(neighbours: readonly ResolvedNeighbour[]): number | null {
  const sorted = neighbours.filter((n) => n.similarity > 0).sort((a, b) => a.resolutionHours - b.resolutionHours);
  const total = sorted.reduce((sum, n) => sum + n.similarity, 0);
  if (total === 0) return null;
  let cumulative = 0;
  for (const neighbour of sorted) {
    cumulative += neighbour.similarity;
    if (cumulative >= total / 2) return Math.round(neighbour.resolutionHours * 10) / 10;
  }
  return null;
}
