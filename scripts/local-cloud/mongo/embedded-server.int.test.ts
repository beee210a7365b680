import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from './server';
import type { EmbeddedMongo } from './server';
import { DataDirLockedError } from './storage';

/** What only the embedded server has to prove: durability of its data directory and its limits. */
describe('embedded MongoDB server', () => {
  let dataDir: string;
  const running: { mongo: EmbeddedMongo; client: MongoClient }[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cogdesk-mongo-embedded-'));
  });

  afterEach(async () => {
    for (const { mongo, client } of running.splice(0)) {
      await client.close();
      await mongo.stop();
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start() {
    const mongo = await startEmbeddedMongo({ dataDir });
    const client = new MongoClient(mongo.uri);
    running.push({ mongo, client });
    return { mongo, client, db: client.db('desk') };
  }

  async function stop(server: { mongo: EmbeddedMongo; client: MongoClient }): Promise<void> {
    running.splice(running.findIndex((entry) => entry.mongo === server.mongo), 1);
    await server.client.close();
    await server.mongo.stop();
  }

  it('keeps documents and indexes across a restart on the same data directory', async () => {
    const first = await start();
    const tickets = first.db.collection('tickets');
    await tickets.createIndex({ email: 1 }, { unique: true });
    await tickets.createIndex({ status: 1, createdAt: -1 });
    await tickets.insertMany(Array.from({ length: 1_000 }, (_, i) => ({ _id: `T-${i}` as never, email: `u${i}@x`, status: i % 2 ? 'open' : 'closed', createdAt: new Date(i) })));
    await tickets.updateOne({ _id: 'T-1' as never }, { $set: { status: 'waiting' } });
    await tickets.deleteOne({ _id: 'T-2' as never });
    await stop(first);

    const second = await start();
    const reopened = second.db.collection('tickets');

    expect(await reopened.countDocuments()).toBe(999);
    expect(await reopened.findOne({ _id: 'T-1' as never })).toMatchObject({ status: 'waiting', createdAt: new Date(1) });
    expect(await reopened.findOne({ _id: 'T-2' as never })).toBeNull();
    expect((await reopened.indexes()).map((index) => index.name)).toEqual(['_id_', 'email_1', 'status_1_createdAt_-1']);
    await expect(reopened.insertOne({ email: 'u3@x' })).rejects.toMatchObject({ code: 11000 });
    const explained = await reopened.find({ status: 'open' }).sort({ createdAt: -1 }).limit(5).explain('executionStats');
    expect(explained.executionStats).toMatchObject({ nReturned: 5, totalDocsExamined: 5 });
  });

  it('compacts the journal into a snapshot at start and recovers from it', async () => {
    const first = await start();
    await first.db.collection('notes').insertMany([{ n: 1 }, { n: 2 }]);
    await first.db.collection('gone').insertOne({ n: 0 });
    await first.db.collection('gone').drop();
    await stop(first);

    const second = await start();
    await stop(second);
    const files = (await readdir(dataDir)).sort();
    const third = await start();

    expect(files.filter((name) => name.startsWith('snapshot-'))).toHaveLength(1);
    expect((await third.db.collection('notes').find({}, { projection: { _id: 0 } }).toArray())).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await third.db.listCollections({}, { nameOnly: true }).toArray()).toEqual([{ name: 'notes', type: 'collection' }]);
  });

  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url)), dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAcked = -1;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for await (const line of createInterface({ input: child.stdout })) {
      lastAcked = Number(line.split(' ')[1]);
      if (lastAcked >= 300) break;
    }
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(stderr).toBe('');

    const { client } = await start();
    const db = client.db('crash');

    const tickets = await db.collection('tickets').find({ seq: { $lte: lastAcked } }, { projection: { _id: 0, seq: 1 } }).sort({ seq: 1 }).toArray();
    expect(tickets.map((doc) => doc.seq as number)).toEqual(Array.from({ length: lastAcked + 1 }, (_, i) => i));
    expect((await db.collection('counters').findOne({ _id: 'acked' as never }))?.seq).toBeGreaterThanOrEqual(lastAcked);
    expect(await db.collection('batches').countDocuments({ seq: { $lte: lastAcked } })).toBe(50 * (Math.floor(lastAcked / 25) + 1));
    await expect(db.collection('tickets').insertOne({ seq: 0 })).rejects.toMatchObject({ code: 11000 });
  }, 60_000);

  it('refuses a second server on a data directory in use', async () => {
    await start();

    await expect(startEmbeddedMongo({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it('answers a transaction with IllegalOperation, as a standalone mongod does', async () => {
    const { client, db } = await start();
    const session = client.startSession();
    try {
      session.startTransaction();
      await expect(db.collection('tickets').findOne({}, { session })).rejects.toMatchObject({ code: 20, codeName: 'IllegalOperation' });
      // For writes the driver rewraps code 20 into its "does not support retryable writes" advice.
      await expect(db.collection('tickets').insertOne({ a: 1 }, { session })).rejects.toMatchObject({ originalError: { code: 20 } });
    } finally {
      await session.endSession();
    }
    expect(await db.collection('tickets').countDocuments()).toBe(0);
  });

  it('accepts TTL indexes (expireAfterSeconds) and lists them', async () => {
    const { db } = await start();

    await db.collection('idempotency').createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });

    expect(await db.collection('idempotency').indexes()).toContainEqual({ v: 2, key: { createdAt: 1 }, name: 'createdAt_1', expireAfterSeconds: 3600 });
  });
});
