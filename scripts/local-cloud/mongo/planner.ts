import { compareValues, MAX_KEY, MIN_KEY } from './bson-order';
import { isOperatorObject, isPlainObject } from './documents';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';
import type { IndexField } from './indexes';

/** A range of index key values for one field, in ascending value order. */
export interface Interval {
  readonly low: unknown;
  readonly high: unknown;
  readonly lowInclusive: boolean;
  readonly highInclusive: boolean;
}

/** What the planner needs to know about an index. */
export interface IndexDescriptor {
  readonly name: string;
  readonly fields: readonly IndexField[];
  readonly unique: boolean;
  readonly sparse: boolean;
  /** Per key field: whether some document holds an array there, giving it several keys. */
  readonly multikeyFields: readonly boolean[];
  readonly partialFilterExpression?: Doc;
}

export interface PlanRequest {
  readonly filter: Doc;
  readonly sort: readonly IndexField[];
  readonly hint?: unknown;
}

export interface IndexScanPlan {
  readonly kind: 'ixscan';
  readonly index: IndexDescriptor;
  /** Per index field, the intervals to scan (a superset of what the filter accepts). */
  readonly bounds: readonly (readonly Interval[])[];
  /** 1 walks the index in its own order, -1 backwards. */
  readonly direction: 1 | -1;
  /** True when the walk already yields documents in the requested sort order. */
  readonly sortProvided: boolean;
  /**
   * When > 0, the first `mergePrefix` fields are fixed by several equality values ($in); each
   * combination is walked separately and the walks are merged to keep the sort order.
   */
  readonly mergePrefix: number;
  /**
   * True when the bounds alone decide a match: the filter is only equalities on non-multikey
   * fields of this index, so fetched documents need no filter evaluation.
   */
  readonly exact: boolean;
}

export type Plan = { readonly kind: 'collscan' } | IndexScanPlan;

const FULL_INTERVAL: Interval = { low: MIN_KEY, high: MAX_KEY, lowInclusive: true, highInclusive: true };

export function pointInterval(value: unknown): Interval {
  return { low: value, high: value, lowInclusive: true, highInclusive: true };
}

export function isPoint(interval: Interval): boolean {
  return interval.lowInclusive && interval.highInclusive && compareValues(interval.low, interval.high) === 0;
}

function isFull(intervals: readonly Interval[]): boolean {
  return intervals.length === 1 && intervals[0] === FULL_INTERVAL;
}

function allPoints(intervals: readonly Interval[]): boolean {
  return intervals.every(isPoint);
}

function containsValue(interval: Interval, value: unknown): boolean {
  const low = compareValues(value, interval.low);
  const high = compareValues(value, interval.high);
  return (low > 0 || (low === 0 && interval.lowInclusive)) && (high < 0 || (high === 0 && interval.highInclusive));
}

/** True when index keys equal to null (missing fields) fall inside the intervals. */
function admitsNull(intervals: readonly Interval[]): boolean {
  return intervals.some((interval) => containsValue(interval, null));
}

function isRegex(value: unknown): boolean {
  return value instanceof RegExp || (value as { _bsontype?: unknown } | null)?._bsontype === 'BSONRegExp';
}

/** Values an index point can stand for: arrays and regexes match more than equal keys. */
function indexableValue(value: unknown): boolean {
  return !Array.isArray(value) && !isRegex(value) && !isOperatorObject(value);
}

/** Sorts intervals by low end and merges overlapping ones. */
function normalizeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => compareValues(a.low, b.low) || Number(b.lowInclusive) - Number(a.lowInclusive));
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    const touching = last ? compareValues(interval.low, last.high) : 1;
    if (last && (touching < 0 || (touching === 0 && (interval.lowInclusive || last.highInclusive)))) {
      const highOrder = compareValues(interval.high, last.high);
      if (highOrder > 0 || (highOrder === 0 && interval.highInclusive && !last.highInclusive)) {
        merged[merged.length - 1] = { ...last, high: interval.high, highInclusive: interval.highInclusive };
      }
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

function intersectPair(a: Interval, b: Interval): Interval | undefined {
  const lowOrder = compareValues(a.low, b.low);
  const low = lowOrder > 0 ? a : lowOrder < 0 ? b : { low: a.low, lowInclusive: a.lowInclusive && b.lowInclusive };
  const highOrder = compareValues(a.high, b.high);
  const high = highOrder < 0 ? a : highOrder > 0 ? b : { high: a.high, highInclusive: a.highInclusive && b.highInclusive };
  const span = compareValues(low.low, high.high);
  if (span > 0 || (span === 0 && !(low.lowInclusive && high.highInclusive))) return undefined;
  return { low: low.low, lowInclusive: low.lowInclusive, high: high.high, highInclusive: high.highInclusive };
}

function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const both = intersectPair(x, y);
      if (both) out.push(both);
    }
  }
  return normalizeIntervals(out);
}

function isSubset(inner: readonly Interval[], outer: readonly Interval[]): boolean {
  return inner.every((x) => outer.some((y) => {
    const both = intersectPair(x, y);
    return both !== undefined && compareValues(both.low, x.low) === 0 && compareValues(both.high, x.high) === 0 &&
      both.lowInclusive === x.lowInclusive && both.highInclusive === x.highInclusive;
  }));
}

/**
 * The index intervals one field condition restricts keys to; several entries when an operator
 * object holds several operators (`{ $gte: a, $lt: b }`). Conditions an index cannot narrow
 * ($ne, $regex, $exists, array equality...) contribute nothing: the full filter still runs on
 * every fetched document, so bounds only need to be a superset of the matches.
 */
function conditionIntervals(condition: unknown): Interval[][] {
  if (!isOperatorObject(condition)) return indexableValue(condition) ? [[pointInterval(condition)]] : [];
  const constraints: Interval[][] = [];
  for (const [operator, argument] of Object.entries(condition)) {
    if (operator !== '$in' && operator !== '$all' && !indexableValue(argument)) continue;
    switch (operator) {
      case '$eq':
        constraints.push([pointInterval(argument)]);
        break;
      case '$in':
        if (Array.isArray(argument) && (argument as unknown[]).every(indexableValue)) {
          constraints.push(normalizeIntervals((argument as unknown[]).map(pointInterval)));
        }
        break;
      case '$all':
        // Every listed value must be present, so each alone bounds the keys.
        if (Array.isArray(argument)) {
          for (const value of argument as unknown[]) if (indexableValue(value)) constraints.push([pointInterval(value)]);
        }
        break;
      case '$gt':
        constraints.push([{ low: argument, high: MAX_KEY, lowInclusive: false, highInclusive: true }]);
        break;
      case '$gte':
        constraints.push([{ low: argument, high: MAX_KEY, lowInclusive: true, highInclusive: true }]);
        break;
      case '$lt':
        constraints.push([{ low: MIN_KEY, high: argument, lowInclusive: true, highInclusive: false }]);
        break;
      case '$lte':
        constraints.push([{ low: MIN_KEY, high: argument, lowInclusive: true, highInclusive: true }]);
        break;
      default:
        break;
    }
  }
  return constraints;
}

/** Field path → interval constraints from the filter's top level and its `$and` clauses. */
export function filterConstraints(filter: Doc, into = new Map<string, Interval[][]>()): Map<string, Interval[][]> {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value as unknown[]) if (isPlainObject(clause)) filterConstraints(clause, into);
    } else if (!key.startsWith('$')) {
      const constraints = conditionIntervals(value);
      if (constraints.length > 0) into.set(key, [...(into.get(key) ?? []), ...constraints]);
    }
  }
  return into;
}

/** Fields the filter requires to exist (`{ field: { $exists: true } }`), at its top level and in `$and` clauses. */
function requiredFields(filter: Doc, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value as unknown[]) if (isPlainObject(clause)) requiredFields(clause, into);
    } else if (isPlainObject(value) && value.$exists === true) {
      into.add(key);
    }
  }
  return into;
}

function boundsFor(index: IndexDescriptor, constraints: Map<string, Interval[][]>): Interval[][] {
  return index.fields.map(({ path }, i) => {
    const fieldConstraints = constraints.get(path);
    if (!fieldConstraints?.length) return [FULL_INTERVAL];
    // With array keys two conditions may be met by different elements, so only one of them bounds the scan.
    if (index.multikeyFields[i]) return fieldConstraints.find(allPoints) ?? fieldConstraints[0]!;
    return fieldConstraints.reduce((a, b) => intersectIntervals(a, b));
  });
}

/** Whether every document the filter accepts is in the partial index. */
function impliesPartialFilter(partial: Doc, constraints: Map<string, Interval[][]>): boolean {
  return Object.entries(partial).every(([key, condition]) => {
    if (key === '$and' && Array.isArray(condition)) {
      return (condition as unknown[]).every((clause) => isPlainObject(clause) && impliesPartialFilter(clause, constraints));
    }
    const filtered = constraints.get(key) ?? [];
    if (isPlainObject(condition) && Object.keys(condition).length === 1 && condition.$exists === true) {
      return filtered.some((intervals) => !admitsNull(intervals));
    }
    const required = conditionIntervals(condition);
    return required.length > 0 && required.every((outer) => filtered.some((inner) => isSubset(inner, outer)));
  });
}

interface SortProvision {
  readonly provided: boolean;
  readonly direction: 1 | -1;
  readonly mergePrefix: number;
}

const SORT_NOT_PROVIDED: SortProvision = { provided: false, direction: 1, mergePrefix: 0 };

/**
 * An index yields the sort when the sort fields follow its equality-bound prefix, all in its
 * directions or all reversed, and none of them holds arrays (an array sorts by its smallest or
 * largest element, not by each of its keys). Several equality values before the sort fields need
 * a merge; an array field among those is fine since each document is returned once.
 */
function sortProvision(index: IndexDescriptor, bounds: readonly Interval[][], sort: readonly IndexField[]): SortProvision {
  if (sort.length === 0) return { provided: true, direction: 1, mergePrefix: 0 };
  let matched = 0;
  let direction: 0 | 1 | -1 = 0;
  let mergePrefix = 0;
  for (let i = 0; i < index.fields.length && matched < sort.length; i++) {
    const field = index.fields[i]!;
    const wanted = sort[matched]!;
    if (field.path === wanted.path) {
      if (index.multikeyFields[i]) return SORT_NOT_PROVIDED;
      const fieldDirection = field.direction === wanted.direction ? 1 : -1;
      if (direction !== 0 && direction !== fieldDirection) return SORT_NOT_PROVIDED;
      direction = fieldDirection;
      matched++;
    } else if (allPoints(bounds[i]!) && (bounds[i]!.length <= 1 || matched === 0)) {
      if (bounds[i]!.length > 1) mergePrefix = i + 1;
    } else {
      return SORT_NOT_PROVIDED;
    }
  }
  if (matched < sort.length) return SORT_NOT_PROVIDED;
  return { provided: true, direction: direction === 0 ? 1 : direction, mergePrefix: mergePrefix };
}

function isEqualityCondition(condition: unknown): boolean {
  if (!isOperatorObject(condition)) return indexableValue(condition);
  return Object.entries(condition).every(([operator, argument]) =>
    operator === '$eq' ? indexableValue(argument) : operator === '$in' && Array.isArray(argument) && (argument as unknown[]).every(indexableValue),
  );
}

/**
 * Point bounds are exactly the filter when every condition is an equality on an indexed field, and a
 * sparse index over one field is exactly `{ field: { $exists: true } }`.
 */
function boundsAreExact(index: IndexDescriptor, filter: Doc): boolean {
  const paths = new Set(index.fields.filter((_, i) => !index.multikeyFields[i]).map((field) => field.path));
  const sparseField = index.sparse && index.fields.length === 1 ? index.fields[0]!.path : undefined;
  return Object.entries(filter).every(
    ([path, condition]) =>
      paths.has(path) && (isEqualityCondition(condition) || (path === sparseField && isPlainObject(condition) && Object.keys(condition).length === 1 && condition.$exists === true)),
  );
}

function indexPlan(index: IndexDescriptor, bounds: Interval[][], request: PlanRequest): IndexScanPlan {
  const provision = sortProvision(index, bounds, request.sort);
  return {
    kind: 'ixscan',
    index,
    bounds,
    direction: provision.direction,
    sortProvided: provision.provided,
    mergePrefix: provision.provided ? provision.mergePrefix : 0,
    exact: boundsAreExact(index, request.filter),
  };
}

function hintedIndex(hint: unknown, indexes: readonly IndexDescriptor[]): IndexDescriptor | 'collscan' {
  const found =
    typeof hint === 'string'
      ? indexes.find((index) => index.name === hint)
      : isPlainObject(hint) && ('$natural' in hint)
        ? 'collscan'
        : isPlainObject(hint)
          ? indexes.find((index) => sameKeyPattern(index.fields, hint))
          : undefined;
  if (!found) {
    throw new MongoCommandError('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
  }
  return found;
}

function sameKeyPattern(fields: readonly IndexField[], pattern: Doc): boolean {
  const entries = Object.entries(pattern);
  return entries.length === fields.length && entries.every(([path, direction], i) =>
    fields[i]!.path === path && typeof direction === 'number' && Math.sign(direction) === fields[i]!.direction);
}

/**
 * Picks how to run a query: the index with the longest equality-matched prefix wins, then one
 * that yields the sort, then the longest constrained prefix, then the narrowest; a unique index
 * fully matched by single values beats all. Without a usable index: a collection scan.
 */
export function choosePlan(request: PlanRequest, indexes: readonly IndexDescriptor[]): Plan {
  const constraints = filterConstraints(request.filter);
  if (request.hint !== undefined && request.hint !== null) {
    const hinted = hintedIndex(request.hint, indexes);
    if (hinted === 'collscan') return { kind: 'collscan' };
    return indexPlan(hinted, boundsFor(hinted, constraints), request);
  }
  const required = requiredFields(request.filter);
  let best: { plan: IndexScanPlan; score: number[] } | undefined;
  for (const index of indexes) {
    const bounds = boundsFor(index, constraints);
    // A sparse index holds every document with one of its fields, so it answers `$exists: true` on any
    // of them: whole, the documents the filter wants and no others (as mongod uses it, bounds unchanged).
    const sparseSelects = index.sparse && index.fields.some((field) => required.has(field.path));
    if (index.sparse && !sparseSelects && !bounds.some((intervals) => !isFull(intervals) && !admitsNull(intervals))) continue;
    if (index.partialFilterExpression && !impliesPartialFilter(index.partialFilterExpression, constraints)) continue;
    const plan = indexPlan(index, bounds, request);
    let pointPrefix = 0;
    while (pointPrefix < bounds.length && allPoints(bounds[pointPrefix]!)) pointPrefix++;
    const constrainedPrefix = Math.max(pointPrefix + (pointPrefix < bounds.length && !isFull(bounds[pointPrefix]!) ? 1 : 0), Number(sparseSelects));
    const yieldsSort = request.sort.length > 0 && plan.sortProvided;
    if (constrainedPrefix === 0 && !yieldsSort) continue;
    const singleRecord = index.unique && pointPrefix === bounds.length && bounds.every((intervals) => intervals.length <= 1);
    const score = [Number(singleRecord), pointPrefix, Number(yieldsSort), constrainedPrefix, -bounds.length];
    if (!best || compareScores(score, best.score) > 0) best = { plan, score };
  }
  return best?.plan ?? { kind: 'collscan' };
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
