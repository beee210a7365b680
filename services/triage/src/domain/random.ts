// Fits must be reproducible, so shuffles never use Math.random.
export { seededRandom } from '@cogdesk/shared/seeded-random';

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
