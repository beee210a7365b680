import { compareValues, MAX_KEY, MIN_KEY } from './bson-order';
import type { Collection } from './collection';
import { valuesAtPath } from './documents';
import type { Doc } from './documents';
import type { Index, IndexEntry, IndexField } from './indexes';
import { compileFilter } from './matching';
import { choosePlan, isPoint } from './planner';
import type { IndexDescriptor, IndexScanPlan, Interval, Plan } from './planner';

export interface QuerySpec {
  readonly filter: Doc;
  readonly sort: readonly IndexField[];
  readonly skip: number;
  /** 0 means no limit. */
  readonly limit: number;
  readonly hint?: unknown;
}

/** Work counters, as explain's executionStats reports them. */
export interface ExecutionStats {
  keysExamined: number;
  docsExamined: number;
}

export interface QueryExecution {
  readonly plan: Plan;
  /** True when documents are sorted in memory rather than read in order from an index. */
  readonly blockingSort: boolean;
  readonly stats: ExecutionStats;
  /** Lazily produced results: only what is pulled is examined, so limits stop the scan early. */
  readonly docs: Generator<Doc, void, undefined>;
  /**
   * How many documents the query yields (instead of `docs`). When the index bounds are the whole filter
   * it counts index keys without reading a document, as mongod's COUNT_SCAN does.
   */
  count(): number;
}

/** Beyond this many key ranges (a product of many $in lists) later fields are checked per key instead. */
const MAX_RANGES = 10_000;

function describeIndex(index: Index): IndexDescriptor {
  return {
    name: index.name,
    fields: index.fields,
    unique: index.unique,
    sparse: index.spec.sparse === true,
    multikeyFields: [...index.multikeyFields],
    ...(index.spec.partialFilterExpression ? { partialFilterExpression: index.spec.partialFilterExpression } : {}),
  };
}

/** Plans and starts a query over a collection (an absent collection yields nothing). */
export function executeQuery(collection: Collection | undefined, spec: QuerySpec): QueryExecution {
  const stats: ExecutionStats = { keysExamined: 0, docsExamined: 0 };
  const indexes = collection ? [...collection.indexes.values()].map(describeIndex) : [];
  const plan = choosePlan({ filter: spec.filter, sort: spec.sort, ...(spec.hint === undefined ? {} : { hint: spec.hint }) }, indexes);
  const matches = plan.kind === 'ixscan' && plan.exact ? undefined : compileFilter(spec.filter);
  let docs = collection ? fetchMatching(collection, plan, matches, stats) : emptyDocs();
  const blockingSort = spec.sort.length > 0 && !(plan.kind === 'ixscan' && plan.sortProvided);
  if (blockingSort) docs = sortInMemory(docs, spec.sort, spec.limit ? spec.skip + spec.limit : 0);
  const results = skipAndLimit(docs, spec.skip, spec.limit);
  const count = (): number => {
    let n = 0;
    if (collection && plan.kind === 'ixscan' && plan.exact && !plan.index.multikeyFields.includes(true)) {
      for (const _entry of indexScan(collection.indexes.get(plan.index.name)!, plan, stats)) n++;
      n = Math.max(0, n - spec.skip);
      return spec.limit ? Math.min(n, spec.limit) : n;
    }
    for (const _doc of results) n++;
    return n;
  };
  return { plan, blockingSort, stats, docs: results, count };
}

function* emptyDocs(): Generator<Doc, void, undefined> {}

function* fetchMatching(
  collection: Collection,
  plan: Plan,
  matches: ((doc: Doc) => boolean) | undefined,
  stats: ExecutionStats,
): Generator<Doc, void, undefined> {
  if (plan.kind === 'collscan') {
    // Map iteration is live: documents deleted meanwhile are skipped, appended ones are visited.
    for (const doc of collection.docs.values()) {
      stats.docsExamined++;
      if (!matches || matches(doc)) yield doc;
    }
    return;
  }
  const index = collection.indexes.get(plan.index.name)!;
  // A document with several keys in a multikey index would otherwise come back more than once.
  const seen = plan.index.multikeyFields.includes(true) ? new Set<number>() : undefined;
  for (const entry of indexScan(index, plan, stats)) {
    if (seen) {
      if (seen.has(index.ridOf(entry))) continue;
      seen.add(index.ridOf(entry));
    }
    const doc = collection.docs.get(index.ridOf(entry));
    if (!doc) continue;
    stats.docsExamined++;
    if (!matches || matches(doc)) yield doc;
  }
}

interface KeyRange {
  readonly start: readonly unknown[];
  readonly end: readonly unknown[];
}

/** Walks the index over the plan's bounds, merging per-prefix walks when the sort needs it. */
function indexScan(index: Index, plan: IndexScanPlan, stats: ExecutionStats): Generator<IndexEntry, void, undefined> {
  const checked = plan.bounds.flatMap((intervals, field) => (isFullRange(intervals) ? [] : [field]));
  const inBounds = (key: readonly unknown[]): boolean =>
    checked.every((field) => plan.bounds[field]!.some((interval) => intervalContains(interval, key[field])));
  const streams = rangeGroups(index, plan).map((ranges) => walkRanges(index, ranges, plan.direction, inBounds, stats));
  if (streams.length === 1) return streams[0]!;
  return mergeWalks(streams, (a, b) => compareKeySuffix(index, a, b, plan.mergePrefix) * plan.direction);
}

function isFullRange(intervals: readonly Interval[]): boolean {
  return intervals.length === 1 && intervals[0]!.low === MIN_KEY && intervals[0]!.high === MAX_KEY;
}

function intervalContains(interval: Interval, value: unknown): boolean {
  const low = compareValues(value, interval.low);
  if (low < 0 || (low === 0 && !interval.lowInclusive)) return false;
  const high = compareValues(value, interval.high);
  return high < 0 || (high === 0 && interval.highInclusive);
}

/**
 * Key ranges in index order: the cartesian product of the intervals of the leading point fields
 * and of the first range field; later fields span everything and are checked per key. Grouped by
 * the merge prefix, one group per separately ordered walk.
 */
function rangeGroups(index: Index, plan: IndexScanPlan): KeyRange[][] {
  const fields = index.fields;
  // Intervals per field in index order (a descending field walks its intervals high to low).
  const ordered = plan.bounds.map((intervals, i) => (fields[i]!.direction === 1 ? [...intervals] : [...intervals].reverse()));
  let expanded = 0;
  let combinations = 1;
  // The merge prefix is always expanded: each of its combinations must be its own ordered walk.
  while (expanded < fields.length && (combinations * ordered[expanded]!.length <= MAX_RANGES || expanded < plan.mergePrefix)) {
    combinations *= ordered[expanded]!.length;
    const pointsOnly = ordered[expanded]!.every(isPoint);
    expanded++;
    if (!pointsOnly) break;
  }
  const prefixFields = plan.mergePrefix;
  const product = (from: number, to: number): Interval[][] =>
    ordered.slice(from, to).reduce<Interval[][]>((acc, intervals) => acc.flatMap((combo) => intervals.map((interval) => [...combo, interval])), [[]]);
  const suffixes = product(prefixFields, expanded);
  return product(0, prefixFields).map((prefix) =>
    suffixes.map((suffix) => {
      const combo = [...prefix, ...suffix];
      const start: unknown[] = [];
      const end: unknown[] = [];
      fields.forEach((field, i) => {
        const interval = combo[i];
        const ascending = field.direction === 1;
        start.push(interval ? (ascending ? interval.low : interval.high) : ascending ? MIN_KEY : MAX_KEY);
        end.push(interval ? (ascending ? interval.high : interval.low) : ascending ? MAX_KEY : MIN_KEY);
      });
      return { start, end };
    }),
  );
}

function* walkRanges(
  index: Index,
  ranges: readonly KeyRange[],
  direction: 1 | -1,
  inBounds: (key: readonly unknown[]) => boolean,
  stats: ExecutionStats,
): Generator<IndexEntry, void, undefined> {
  const ordered = direction === 1 ? ranges : [...ranges].reverse();
  for (const range of ordered) {
    const from = index.seekKey(direction === 1 ? range.start : range.end, direction);
    const stop = direction === 1 ? range.end : range.start;
    for (const entry of index.scan(from, direction)) {
      if (index.compareKeys(entry, stop) * direction > 0) break;
      stats.keysExamined++;
      if (inBounds(entry)) yield entry;
    }
  }
}

function compareKeySuffix(index: Index, a: IndexEntry, b: IndexEntry, from: number): number {
  for (let i = from; i < index.fields.length; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order * index.fields[i]!.direction;
  }
  return index.ridOf(a) - index.ridOf(b);
}

/** Merges ordered walks into one ordered walk (a few $in values: a linear pick is enough). */
function* mergeWalks(
  walks: Generator<IndexEntry, void, undefined>[],
  compare: (a: IndexEntry, b: IndexEntry) => number,
): Generator<IndexEntry, void, undefined> {
  const heads = walks.map((walk) => walk.next());
  for (;;) {
    let best = -1;
    heads.forEach((head, i) => {
      if (head.done) return;
      if (best < 0 || compare(head.value, (heads[best] as IteratorYieldResult<IndexEntry>).value) < 0) best = i;
    });
    if (best < 0) return;
    yield (heads[best] as IteratorYieldResult<IndexEntry>).value;
    heads[best] = walks[best]!.next();
  }
}

/** The value a document sorts by on one field: arrays sort by their lowest (ascending) or highest element. */
function sortValue(doc: Doc, path: readonly string[], direction: 1 | -1): unknown {
  const { values } = valuesAtPath(doc, path);
  let chosen = values[0];
  for (const value of values) if (compareValues(value, chosen) * direction < 0) chosen = value;
  return chosen ?? null;
}

function* sortInMemory(source: Iterable<Doc>, sort: readonly IndexField[], keep: number): Generator<Doc, void, undefined> {
  const paths = sort.map((field) => field.path.split('.'));
  const rows = Array.from(source, (doc) => ({ doc, keys: paths.map((path, i) => sortValue(doc, path, sort[i]!.direction)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const order = compareValues(a.keys[i], b.keys[i]);
      if (order !== 0) return order * sort[i]!.direction;
    }
    return 0;
  });
  for (const row of keep ? rows.slice(0, keep) : rows) yield row.doc;
}

function* skipAndLimit(source: Generator<Doc, void, undefined>, skip: number, limit: number): Generator<Doc, void, undefined> {
  let skipped = 0;
  let returned = 0;
  for (const doc of source) {
    if (skipped < skip) {
      skipped++;
      continue;
    }
    yield doc;
    if (limit > 0 && ++returned >= limit) return;
  }
}
