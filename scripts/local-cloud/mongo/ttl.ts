import type { Catalog } from './catalog';
import { executeQuery } from './executor';

/** How often expired documents are removed (mongod's ttlMonitorSleepSecs). */
export const TTL_SWEEP_INTERVAL_MS = 60_000;
const EARLIEST_DATE = new Date(-8.64e15);

/**
 * Removes documents whose TTL-indexed date is older than the index's expireAfterSeconds, as
 * mongod's TTL monitor does; the walk uses the TTL index itself. Returns how many were removed.
 */
export function removeExpiredDocuments(catalog: Catalog, now: Date): number {
  let removed = 0;
  for (const db of catalog.databaseNames()) {
    for (const collection of catalog.collections(db)) {
      for (const index of [...collection.indexes.values()]) {
        const ttlSeconds = index.spec.expireAfterSeconds;
        if (ttlSeconds === undefined) continue;
        const cutoff = new Date(now.getTime() - ttlSeconds * 1000);
        const filter = { [index.fields[0]!.path]: { $gte: EARLIEST_DATE, $lte: cutoff } };
        const expired = [...executeQuery(collection, { filter, sort: [], skip: 0, limit: 0, hint: index.name }).docs];
        for (const doc of expired) {
          const rid = collection.ridOfId(doc._id);
          if (rid === undefined) continue;
          catalog.remove(collection, rid);
          removed++;
        }
      }
    }
  }
  return removed;
}
