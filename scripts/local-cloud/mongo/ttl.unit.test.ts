import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog';
import { removeExpiredDocuments } from './ttl';

describe('removeExpiredDocuments', () => {
  it('removes documents whose TTL date is older than expireAfterSeconds, and only those', () => {
    const catalog = new Catalog();
    const keys = catalog.ensureCollection('desk', 'idempotencyKeys');
    catalog.createIndex(keys, { v: 2, key: { createdAt: 1 }, name: 'createdAt_1', expireAfterSeconds: 60 });
    const now = new Date('2026-01-01T12:00:00Z');
    catalog.insert(keys, { _id: 'old', createdAt: new Date(now.getTime() - 61_000) });
    catalog.insert(keys, { _id: 'fresh', createdAt: new Date(now.getTime() - 59_000) });
    catalog.insert(keys, { _id: 'not-a-date', createdAt: 5 });
    catalog.insert(keys, { _id: 'missing' });

    expect(removeExpiredDocuments(catalog, now)).toBe(1);
    expect([...keys.docs.values()].map((doc) => doc._id)).toEqual(['fresh', 'not-a-date', 'missing']);
  });
});
