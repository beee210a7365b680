import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoBulkWriteError, MongoClient, MongoServerError, ObjectId } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from './server';

/**
 * The store contract: what Cogdesk's services rely on, spoken through the official driver only.
 * It runs against the embedded server and, when MONGODB_URI is set, against that real MongoDB.
 */
interface StoreTarget {
  readonly name: string;
  start(): Promise<{ uri: string; stop(): Promise<void> }>;
}

const embedded: StoreTarget = {
  name: 'embedded server',
  async start() {
    const dataDir = await mkdtemp(join(tmpdir(), 'cogdesk-mongo-contract-'));
    const mongo = await startEmbeddedMongo({ dataDir });
    return {
      uri: mongo.uri,
      async stop() {
        await mongo.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const realMongo = (uri: string): StoreTarget => ({ name: 'MONGODB_URI', start: () => Promise.resolve({ uri, stop: () => Promise.resolve() }) });

const targets: StoreTarget[] = [embedded, ...(process.env.MONGODB_URI ? [realMongo(process.env.MONGODB_URI)] : [])];

interface OperatorsDoc {
  _id: string;
  n: number;
  tags: string[];
  recent: number[];
  low: number;
  high: number;
  gone?: boolean;
  grades: number[];
  touchedAt?: Date;
}

/** Finds a stage anywhere in an explain plan (classic and slot-based engines nest them differently). */
function findStage(plan: unknown, stage: string): Document | undefined {
  if (plan === null || typeof plan !== 'object') return undefined;
  if ((plan as Document).stage === stage) return plan;
  for (const value of Object.values(plan)) {
    const found = findStage(value, stage);
    if (found) return found;
  }
  return undefined;
}

describe.each(targets)('store contract: $name', (target) => {
  let server: { uri: string; stop(): Promise<void> };
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    server = await target.start();
    client = new MongoClient(server.uri);
    await client.connect();
    db = client.db(`contract_${randomUUID().slice(0, 8)}`);
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
    await server.stop();
  });

  it('answers ping and reports unknown commands as CommandNotFound', async () => {
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    await expect(db.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('creates, reads, updates, replaces and deletes documents with their BSON types intact', async () => {
    const tickets = db.collection('crud');
    const createdAt = new Date('2026-03-01T10:00:00.000Z');
    const customerId = new ObjectId();

    const { insertedId } = await tickets.insertOne({ title: 'Printer on fire', tags: ['hw'], customer: { id: customerId, vip: true }, createdAt, assignee: null });
    expect(insertedId).toBeInstanceOf(ObjectId);
    expect(await tickets.findOne({ _id: insertedId })).toEqual({
      _id: insertedId,
      title: 'Printer on fire',
      tags: ['hw'],
      customer: { id: customerId, vip: true },
      createdAt,
      assignee: null,
    });
    expect(await tickets.findOne({ 'customer.id': customerId }, { projection: { title: 1, _id: 0 } })).toEqual({ title: 'Printer on fire' });

    const updated = await tickets.updateOne({ _id: insertedId }, { $set: { status: 'open' } });
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const unchanged = await tickets.updateOne({ _id: insertedId }, { $set: { status: 'open' } });
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    await tickets.replaceOne({ _id: insertedId }, { title: 'Replaced' });
    expect(await tickets.findOne({ _id: insertedId })).toEqual({ _id: insertedId, title: 'Replaced' });

    expect(await tickets.deleteOne({ _id: insertedId })).toMatchObject({ deletedCount: 1 });
    expect(await tickets.findOne({ _id: insertedId })).toBeNull();
  });

  it('applies update operators, including arrayFilters and multi-document updates', async () => {
    const tickets = db.collection<OperatorsDoc>('operators');
    await tickets.insertOne({ _id: 'T-1', n: 1, tags: ['a'], recent: [1, 2], low: 5, high: 5, gone: true, grades: [80, 95] });

    await tickets.updateOne({ _id: 'T-1' }, {
      $inc: { n: 2 },
      $push: { recent: { $each: [3, 4], $slice: -3 } },
      $addToSet: { tags: { $each: ['a', 'b'] } },
      $min: { low: 1 },
      $max: { high: 9 },
      $unset: { gone: '' },
      $currentDate: { touchedAt: true },
    });
    await tickets.updateOne({ _id: 'T-1' }, { $pull: { tags: 'a' }, $set: { 'grades.$[g]': 90 } }, { arrayFilters: [{ g: { $gte: 90 } }] });

    const doc = await tickets.findOne({ _id: 'T-1' });
    expect(doc).toMatchObject({ n: 3, tags: ['b'], recent: [2, 3, 4], low: 1, high: 9, grades: [80, 90] });
    expect(doc).not.toHaveProperty('gone');
    expect(doc?.touchedAt).toBeInstanceOf(Date);

    const counters = db.collection('multi');
    await counters.insertMany([{ kind: 'bulk', n: 0 }, { kind: 'bulk', n: 0 }, { kind: 'other', n: 0 }]);
    expect(await counters.updateMany({ kind: 'bulk' }, { $inc: { n: 1 } })).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await counters.countDocuments({ kind: 'bulk', n: 1 })).toBe(2);
    await expect(counters.updateOne({ kind: 'other' }, { $inc: { kind: 1 } })).rejects.toMatchObject({ code: 14 });
  });

  it('upserts from the filter equalities, with $setOnInsert only on insert', async () => {
    const keys = db.collection('upserts');

    const first = await keys.updateOne({ key: 'k1', tenant: 't' }, { $set: { seen: 1 }, $setOnInsert: { createdBy: 'first' } }, { upsert: true });
    const second = await keys.updateOne({ key: 'k1', tenant: 't' }, { $set: { seen: 2 }, $setOnInsert: { createdBy: 'second' } }, { upsert: true });

    expect(first).toMatchObject({ matchedCount: 0, upsertedCount: 1 });
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await keys.findOne({ _id: first.upsertedId! }, { projection: { _id: 0 } })).toEqual({ key: 'k1', tenant: 't', seen: 2, createdBy: 'first' });
  });

  it('lets exactly one of 20 concurrent updates guarded by the same version win', async () => {
    const tickets = db.collection<{ _id: string; status: string; version: number }>('versions');
    await tickets.insertOne({ _id: 'T-9', status: 'open', version: 1 });

    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tickets.findOneAndUpdate(
          { _id: 'T-9', version: 1 },
          { $set: { status: `by-${i}` }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ),
      ),
    );

    const winners = attempts.filter((doc) => doc !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ version: 2 });
    expect(await tickets.findOne({ _id: 'T-9' })).toEqual(winners[0]);
  });

  it('finds-and-modifies the first document in sort order, with projection, delete and upsert', async () => {
    const jobs = db.collection('jobs');
    await jobs.insertMany([{ name: 'b', priority: 2 }, { name: 'a', priority: 1 }, { name: 'c', priority: 3 }]);

    const claimed = await jobs.findOneAndUpdate({}, { $set: { claimed: true } }, { sort: { priority: -1 }, projection: { _id: 0, name: 1 } });
    const removed = await jobs.findOneAndDelete({ claimed: { $ne: true } }, { sort: { priority: 1 } });
    const created = await jobs.findOneAndUpdate({ name: 'd' }, { $set: { priority: 4 } }, { upsert: true, returnDocument: 'after' });
    const missing = await jobs.findOneAndUpdate({ name: 'zzz' }, { $set: { x: 1 } });

    expect(claimed).toEqual({ name: 'c' });
    expect(removed).toMatchObject({ name: 'a' });
    expect(created).toMatchObject({ name: 'd', priority: 4 });
    expect(missing).toBeNull();
    expect((await jobs.find({}, { sort: { name: 1 }, projection: { _id: 0, name: 1 } }).toArray()).map((doc) => doc.name as string)).toEqual(['b', 'c', 'd']);
  });

  it('enforces unique indexes on insert and update with E11000 DuplicateKey errors', async () => {
    const users = db.collection('unique');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'ana@example.com' });
    const other = await users.insertOne({ email: 'bo@example.com' });

    const insertError = await users.insertOne({ email: 'ana@example.com' }).catch((error: unknown) => error);
    expect(insertError).toBeInstanceOf(MongoServerError);
    expect(insertError).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'ana@example.com' } });
    expect((insertError as Error).message).toMatch(/E11000 duplicate key error/);

    await expect(users.updateOne({ _id: other.insertedId }, { $set: { email: 'ana@example.com' } })).rejects.toMatchObject({ code: 11000 });
    await expect(users.insertOne({ _id: other.insertedId, email: 'new@example.com' })).rejects.toMatchObject({ code: 11000 });

    const bulk = await users.insertMany([{ email: 'c@x' }, { email: 'ana@example.com' }, { email: 'd@x' }], { ordered: false }).catch((error: unknown) => error);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect((bulk as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    expect(await users.countDocuments({ email: { $in: ['c@x', 'd@x'] } })).toBe(2);
  });

  it('sorts, skips, limits and streams results in batches through getMore', async () => {
    const events = db.collection('paging');
    await events.insertMany(Array.from({ length: 250 }, (_, i) => ({ seq: i, parity: i % 2 })));

    const all = await events.find({}).sort({ seq: -1 }).batchSize(40).toArray();
    const page = await events.find({ parity: 0 }).sort({ seq: 1 }).skip(10).limit(5).toArray();

    expect(all.map((doc) => doc.seq as number)).toEqual(Array.from({ length: 250 }, (_, i) => 249 - i));
    expect(page.map((doc) => doc.seq as number)).toEqual([20, 22, 24, 26, 28]);

    const cursor = events.find({ parity: 1 }, { batchSize: 10 }).sort({ seq: 1 });
    const seen: number[] = [];
    for await (const doc of cursor) seen.push(doc.seq as number);
    expect(seen).toEqual(Array.from({ length: 125 }, (_, i) => i * 2 + 1));
  });

  it('aggregates with $match, $group, $sort and $count, and counts documents', async () => {
    const tickets = db.collection('aggregate');
    await tickets.insertMany([
      { status: 'open', priority: 'high', hours: 2 },
      { status: 'open', priority: 'low', hours: 4 },
      { status: 'closed', priority: 'high', hours: 6 },
      { status: 'open', priority: 'high', hours: 8 },
    ]);

    const byPriority = await tickets
      .aggregate([{ $match: { status: 'open' } }, { $group: { _id: '$priority', count: { $sum: 1 }, hours: { $avg: '$hours' } } }, { $sort: { count: -1 } }])
      .toArray();
    const [counted] = await tickets.aggregate([{ $match: { priority: 'high' } }, { $count: 'n' }]).toArray();

    expect(byPriority).toEqual([{ _id: 'high', count: 2, hours: 5 }, { _id: 'low', count: 1, hours: 4 }]);
    expect(counted).toEqual({ n: 3 });
    expect(await tickets.countDocuments({ status: 'open' })).toBe(3);
    expect(await tickets.estimatedDocumentCount()).toBe(4);
    expect((await tickets.distinct('priority')).sort()).toEqual(['high', 'low']);
  });

  it('counts through an index, with skip and limit, and finds fields that exist through a sparse index', async () => {
    const tickets = db.collection('counted');
    await tickets.createIndex({ status: 1, createdAt: -1 });
    await tickets.createIndex({ pendingSince: 1 }, { sparse: true });
    await tickets.insertMany(
      Array.from({ length: 30 }, (_, n) => ({ status: n % 3 === 0 ? 'open' : 'closed', createdAt: n, ...(n % 5 === 0 ? { pendingSince: n === 0 ? null : n } : {}) })),
    );

    expect(await tickets.countDocuments({ status: 'open' })).toBe(10);
    expect(await tickets.countDocuments({ status: 'open' }, { skip: 4, limit: 3 })).toBe(3);
    expect(await tickets.countDocuments({ status: 'open' }, { skip: 8 })).toBe(2);
    expect(await tickets.countDocuments({ status: 'gone' })).toBe(0);
    // A field present with null exists; a missing one does not.
    expect(await tickets.countDocuments({ pendingSince: { $exists: true } })).toBe(6);
    const oldest = await tickets.find({ pendingSince: { $exists: true } }).sort({ pendingSince: 1 }).limit(2).toArray();
    expect(oldest.map((doc) => doc.createdAt as number)).toEqual([0, 5]);
  });

  it('creates indexes idempotently, lists and drops them', async () => {
    const tickets = db.collection('indexes');

    const name = await tickets.createIndex({ status: 1, createdAt: -1 }, { name: 'by_status' });
    await tickets.createIndex({ status: 1, createdAt: -1 }, { name: 'by_status' });
    await tickets.createIndex({ email: 1 }, { unique: true, sparse: true });

    expect(name).toBe('by_status');
    expect((await tickets.listIndexes().toArray()).map(({ name: n, key, unique }) => ({ n, key, unique }))).toEqual([
      { n: '_id_', key: { _id: 1 }, unique: undefined },
      { n: 'by_status', key: { status: 1, createdAt: -1 }, unique: undefined },
      { n: 'email_1', key: { email: 1 }, unique: true },
    ]);
    await expect(tickets.createIndex({ status: 1 }, { name: 'by_status' })).rejects.toMatchObject({ code: 86 });

    await tickets.dropIndex('by_status');
    expect((await tickets.indexes()).map((index) => index.name)).toEqual(['_id_', 'email_1']);
  });

  it('lists, creates and drops collections', async () => {
    await db.createCollection('lifecycle');
    await expect(db.createCollection('lifecycle')).rejects.toMatchObject({ code: 48 });

    expect(await db.listCollections({ name: 'lifecycle' }, { nameOnly: true }).toArray()).toEqual([{ name: 'lifecycle', type: 'collection' }]);
    expect(await db.collection('lifecycle').drop()).toBe(true);
    expect(await db.listCollections({ name: 'lifecycle' }).toArray()).toEqual([]);
  });

  it('applies unacknowledged (w: 0) writes in order', async () => {
    const log = db.collection('fire-and-forget');

    await log.insertOne({ n: 1 }, { writeConcern: { w: 0 } });

    await expect.poll(() => log.countDocuments({ n: 1 })).toBe(1);
  });

  it('reads a sorted page of 20 out of 100,000 documents through an index, examining about 20', async () => {
    const tickets = db.collection('explain');
    const statuses = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];
    await tickets.createIndex({ status: 1, deleted: 1, createdAt: -1 });
    await tickets.insertMany(
      Array.from({ length: 100_000 }, (_, i) => ({ status: statuses[i % 5], deleted: i % 7 === 0, createdAt: new Date(1_700_000_000_000 + i * 1_000), title: `ticket ${i}` })),
    );
    const query = tickets.find({ status: 'open', deleted: false }).sort({ createdAt: -1 }).limit(20);

    const explained = await query.explain('executionStats');
    const page = await query.toArray();

    const ixscan = findStage(explained.queryPlanner, 'IXSCAN');
    expect(ixscan).toMatchObject({ indexName: 'status_1_deleted_1_createdAt_-1' });
    expect(findStage(explained.queryPlanner, 'COLLSCAN')).toBeUndefined();
    expect(explained.executionStats).toMatchObject({ nReturned: 20 });
    expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(25);
    expect(explained.executionStats.totalKeysExamined).toBeLessThanOrEqual(25);
    const times = page.map((doc) => (doc.createdAt as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.every((doc) => doc.status === 'open' && doc.deleted === false)).toBe(true);

    const aggregateExplained = await tickets.aggregate([{ $match: { status: 'waiting', deleted: false } }, { $sort: { createdAt: -1 } }, { $limit: 5 }]).explain('executionStats');
    expect(findStage(aggregateExplained, 'IXSCAN')).toMatchObject({ indexName: 'status_1_deleted_1_createdAt_-1' });
  }, 120_000);
});
