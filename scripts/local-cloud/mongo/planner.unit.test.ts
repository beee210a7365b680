import { describe, expect, it } from 'vitest';
import { MAX_KEY } from './bson-order';
import { choosePlan, filterConstraints, pointInterval } from './planner';
import type { IndexDescriptor, IndexScanPlan } from './planner';

function index(name: string, key: Record<string, 1 | -1>, options: Partial<IndexDescriptor> = {}): IndexDescriptor {
  const fields = Object.entries(key).map(([path, direction]) => ({ path, direction }));
  return { name, fields, unique: false, sparse: false, multikeyFields: fields.map(() => false), ...options };
}

const ID = index('_id_', { _id: 1 }, { unique: true });
const STATUS_DELETED_CREATED = index('status_1_deleted_1_createdAt_-1', { status: 1, deleted: 1, createdAt: -1 });
const STATUS = index('status_1', { status: 1 });
const CREATED = index('createdAt_1', { createdAt: 1 });

function indexPlan(plan: ReturnType<typeof choosePlan>): IndexScanPlan {
  if (plan.kind !== 'ixscan') throw new Error(`expected an index scan, got ${plan.kind}`);
  return plan;
}

describe('choosePlan', () => {
  it('uses the compound index whose equality prefix is followed by the sort field', () => {
    const plan = indexPlan(
      choosePlan(
        { filter: { status: 'open', deleted: false }, sort: [{ path: 'createdAt', direction: -1 }] },
        [ID, STATUS, CREATED, STATUS_DELETED_CREATED],
      ),
    );

    expect(plan.index.name).toBe('status_1_deleted_1_createdAt_-1');
    expect(plan).toMatchObject({ sortProvided: true, direction: 1, mergePrefix: 0 });
    expect(plan.bounds.slice(0, 2)).toEqual([[pointInterval('open')], [pointInterval(false)]]);
  });

  it('walks the index backwards for the opposite sort direction', () => {
    const plan = indexPlan(
      choosePlan({ filter: { status: 'open', deleted: false }, sort: [{ path: 'createdAt', direction: 1 }] }, [STATUS_DELETED_CREATED]),
    );

    expect(plan).toMatchObject({ sortProvided: true, direction: -1 });
  });

  it('merges per-value walks when an $in list precedes the sort field', () => {
    const plan = indexPlan(
      choosePlan(
        { filter: { status: { $in: ['open', 'waiting'] }, deleted: false }, sort: [{ path: 'createdAt', direction: -1 }] },
        [STATUS_DELETED_CREATED],
      ),
    );

    expect(plan).toMatchObject({ sortProvided: true, mergePrefix: 1 });
    expect(plan.bounds[0]).toEqual([pointInterval('open'), pointInterval('waiting')]);
  });

  it('does not claim the sort when a range precedes the sort field', () => {
    const plan = indexPlan(
      choosePlan(
        { filter: { status: { $gte: 'a' }, deleted: false }, sort: [{ path: 'createdAt', direction: -1 }] },
        [STATUS_DELETED_CREATED],
      ),
    );

    expect(plan.sortProvided).toBe(false);
  });

  it('uses an index for a range on its leading field and intersects the bounds', () => {
    const from = new Date(1_000);
    const to = new Date(2_000);
    const plan = indexPlan(choosePlan({ filter: { createdAt: { $gte: from, $lt: to } }, sort: [] }, [ID, STATUS, CREATED]));

    expect(plan.index.name).toBe('createdAt_1');
    expect(plan.bounds[0]).toEqual([{ low: from, high: to, lowInclusive: true, highInclusive: false }]);
  });

  it('uses an index only to provide the sort when nothing in the filter is indexed', () => {
    const plan = indexPlan(choosePlan({ filter: { title: /x/ }, sort: [{ path: 'createdAt', direction: -1 }] }, [ID, STATUS, CREATED]));

    expect(plan).toMatchObject({ index: { name: 'createdAt_1' }, direction: -1, sortProvided: true });
  });

  it('prefers a unique index fully matched by single values', () => {
    const plan = indexPlan(choosePlan({ filter: { _id: 'T-1', status: 'open' }, sort: [] }, [STATUS, ID]));

    expect(plan.index.name).toBe('_id_');
  });

  it('falls back to a collection scan when no index helps', () => {
    expect(choosePlan({ filter: { title: { $regex: 'x' }, status: { $ne: 'open' } }, sort: [] }, [ID, STATUS])).toEqual({ kind: 'collscan' });
  });

  it('skips a sparse index when the filter could match documents missing the field', () => {
    const sparse = index('assignee_1', { assignee: 1 }, { sparse: true });

    expect(choosePlan({ filter: { assignee: null }, sort: [] }, [sparse])).toEqual({ kind: 'collscan' });
    expect(indexPlan(choosePlan({ filter: { assignee: 'ana' }, sort: [] }, [sparse])).index.name).toBe('assignee_1');
  });

  it('answers $exists: true from a sparse index on that field, sorted or not, as mongod does', () => {
    const pending = index('outbox_pending', { outboxSince: 1 }, { sparse: true });
    const exists = { outboxSince: { $exists: true } };

    expect(indexPlan(choosePlan({ filter: exists, sort: [] }, [ID, pending])).index.name).toBe('outbox_pending');
    expect(indexPlan(choosePlan({ filter: { $and: [exists] }, sort: [{ path: 'outboxSince', direction: 1 }] }, [ID, pending])).sortProvided).toBe(true);
    expect(choosePlan({ filter: { other: { $exists: true } }, sort: [] }, [ID, pending])).toEqual({ kind: 'collscan' });
    expect(choosePlan({ filter: { outboxSince: { $exists: false } }, sort: [] }, [ID, pending])).toEqual({ kind: 'collscan' });
  });

  it('uses a partial index only when the filter implies its filter expression', () => {
    const partial = index('open_createdAt', { createdAt: 1 }, { partialFilterExpression: { status: 'open' } });

    expect(indexPlan(choosePlan({ filter: { status: 'open', createdAt: { $gt: new Date(0) } }, sort: [] }, [partial])).index.name).toBe('open_createdAt');
    expect(choosePlan({ filter: { createdAt: { $gt: new Date(0) } }, sort: [] }, [partial])).toEqual({ kind: 'collscan' });
  });

  it('bounds an array field by one condition only and never sorts by it', () => {
    const tags = index('tags_1', { tags: 1 }, { multikeyFields: [true] });
    const plan = indexPlan(choosePlan({ filter: { tags: { $gt: 'a', $lt: 'c' } }, sort: [{ path: 'tags', direction: 1 }] }, [tags]));

    expect(plan.bounds[0]).toEqual([{ low: 'a', high: MAX_KEY, lowInclusive: false, highInclusive: true }]);
    expect(plan.sortProvided).toBe(false);
  });

  it('still provides a sort on plain fields after an equality on an array field', () => {
    const byTag = index('tag_by_created', { deleted: 1, tags: 1, createdAt: -1, _id: 1 }, { multikeyFields: [false, true, false, false] });

    const plan = indexPlan(
      choosePlan({ filter: { deleted: false, tags: 'printer' }, sort: [{ path: 'createdAt', direction: -1 }, { path: '_id', direction: 1 }] }, [byTag]),
    );

    expect(plan).toMatchObject({ sortProvided: true, direction: 1, exact: false });
  });

  it('bounds an array field by each value of $all', () => {
    const words = index('words_1', { words: 1 }, { multikeyFields: [true] });

    expect(indexPlan(choosePlan({ filter: { words: { $all: ['printer', 'jam'] } }, sort: [] }, [words])).bounds[0]).toEqual([pointInterval('printer')]);
  });

  it('marks plans whose bounds are the whole filter, so documents need no filter evaluation', () => {
    const exact = (filter: Record<string, unknown>): boolean => indexPlan(choosePlan({ filter, sort: [] }, [STATUS_DELETED_CREATED])).exact;

    expect(exact({ status: 'open', deleted: false })).toBe(true);
    expect(exact({ status: { $in: ['open', 'waiting'] }, deleted: { $eq: false } })).toBe(true);
    expect(exact({ status: 'open', title: 'x' })).toBe(false);
    expect(exact({ status: 'open', createdAt: { $gt: new Date(0) } })).toBe(false);
  });

  it('follows a hint by name or key pattern, and $natural to a collection scan', () => {
    expect(indexPlan(choosePlan({ filter: {}, sort: [], hint: 'status_1' }, [ID, STATUS])).index.name).toBe('status_1');
    expect(indexPlan(choosePlan({ filter: {}, sort: [], hint: { status: 1 } }, [ID, STATUS])).index.name).toBe('status_1');
    expect(choosePlan({ filter: { _id: 1 }, sort: [], hint: { $natural: 1 } }, [ID])).toEqual({ kind: 'collscan' });
    expect(() => choosePlan({ filter: {}, sort: [], hint: 'nope' }, [ID])).toThrow(/hint provided does not correspond/);
  });
});

describe('filterConstraints', () => {
  it('reads top-level fields and $and clauses, ignoring what an index cannot narrow', () => {
    const constraints = filterConstraints({ a: 1, $and: [{ b: { $in: [2, 1] } }], c: { $ne: 1 }, d: [1, 2], $or: [{ e: 1 }] });

    expect([...constraints.keys()]).toEqual(['a', 'b']);
    expect(constraints.get('b')).toEqual([[pointInterval(1), pointInterval(2)]]);
  });
});
