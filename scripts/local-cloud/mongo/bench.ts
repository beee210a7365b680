/**
 * Prints the embedded server's figures: driver insert rate, bulk load, an indexed page of 20 out
 * of 100,000 documents and find-by-_id (round trip, and server CPU per command measured
 * in-process without the socket), one journaled insert, the restart time with 100,000 documents, and
 * the memory they take in-process (heap after a full GC).
 *
 * Run: node --expose-gc --import tsx scripts/local-cloud/mongo/bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import type { Document } from 'mongodb';
import type { Catalog } from './catalog';
import { runCommand } from './commands';
import { CursorRegistry } from './cursors';
import type { Doc } from './documents';
import { startEmbeddedMongo } from './server';
import { Storage } from './storage';
import { encodeMsg } from './wire';

const DOCS = 100_000;
const STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];

function ticket(i: number): Document {
  return {
    title: `Ticket ${i}`,
    description: 'The printer on the third floor prints every page twice. '.repeat(4),
    status: STATUSES[i % STATUSES.length],
    deleted: i % 10 === 0,
    priority: ['low', 'medium', 'high', 'critical'][i % 4],
    tags: ['hardware', `floor-${i % 7}`],
    customer: { email: `customer${i % 1000}@example.com`, name: `Customer ${i % 1000}` },
    createdAt: new Date(1_750_000_000_000 + i * 60_000),
    version: 1,
  };
}

function memoryAfterGc(): NodeJS.MemoryUsage | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage();
}

async function timed(label: string, runs: number, run: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(runs, 50); i++) await run();
  const started = performance.now();
  for (let i = 0; i < runs; i++) await run();
  const perRun = (performance.now() - started) / runs;
  console.log(`${label}: ${perRun.toFixed(3)} ms`);
  return perRun;
}

/** Server CPU for one command: decode the request, run it, journal it, encode the reply (no socket). */
function serverCpu(catalog: Catalog, storage: Storage, command: () => Doc): () => void {
  const cursors = new CursorRegistry();
  const ctx = { db: 'bench', catalog, cursors, connectionId: 1, server: { host: '127.0.0.1', port: 0 } };
  return () => {
    const reply = runCommand(BSON.deserialize(BSON.serialize({ ...command(), $db: 'bench' })), ctx);
    storage.commit({ sync: false });
    encodeMsg({ requestId: 1, responseTo: 1, body: reply });
  };
}

const dataDir = await mkdtemp(join(tmpdir(), 'cogdesk-mongo-bench-'));
try {
  let mongo = await startEmbeddedMongo({ dataDir });
  let client = new MongoClient(mongo.uri);
  const tickets = () => client.db('bench').collection('tickets');

  await tickets().createIndex({ status: 1, deleted: 1, createdAt: -1 });
  const sequentialInserts = 5_000;
  for (let i = 0; i < 500; i++) await tickets().insertOne(ticket(i));
  let started = performance.now();
  for (let i = 500; i < sequentialInserts; i++) await tickets().insertOne(ticket(i));
  console.log(`insertOne, one client, sequential: ${Math.round((sequentialInserts - 500) / ((performance.now() - started) / 1000))} inserts/s`);

  started = performance.now();
  await tickets().insertMany(Array.from({ length: DOCS - sequentialInserts }, (_, i) => ticket(i + sequentialInserts)));
  console.log(`insertMany of ${DOCS - sequentialInserts}: ${Math.round(performance.now() - started)} ms`);

  const page = { status: 'open', deleted: false };
  const someId = (await tickets().findOne({ status: 'waiting' }))!._id;
  await timed('indexed page of 20 (driver round trip)', 1_000, () => tickets().find(page).sort({ createdAt: -1 }).limit(20).toArray());
  await timed('find by _id (driver round trip)', 2_000, () => tickets().findOne({ _id: someId }));
  const explained = await tickets().find(page).sort({ createdAt: -1 }).limit(20).explain('executionStats');
  console.log(`indexed page: ${String(explained.executionStats.totalDocsExamined)} docs / ${String(explained.executionStats.totalKeysExamined)} keys examined of ${DOCS}`);
  await client.close();
  await mongo.stop();

  started = performance.now();
  mongo = await startEmbeddedMongo({ dataDir });
  console.log(`start with ${DOCS} documents: ${Math.round(performance.now() - started)} ms`);
  client = new MongoClient(mongo.uri);
  console.log(`documents after restart: ${await tickets().countDocuments()}`);
  await client.close();
  await mongo.stop();

  // Server CPU and memory, measured in-process on a fresh data directory loaded the same way.
  const memoryBefore = memoryAfterGc();
  const { storage, catalog } = Storage.open(join(dataDir, 'in-process'));
  const collection = catalog.ensureCollection('bench', 'tickets');
  catalog.createIndex(collection, { v: 2, key: { status: 1, deleted: 1, createdAt: -1 }, name: 'page' });
  catalog.createIndex(collection, { v: 2, key: { tags: 1, createdAt: -1 }, name: 'tags' });
  for (let i = 0; i < DOCS; i++) catalog.insert(collection, { _id: i, ...ticket(i) });
  storage.commit({ sync: false });
  const memory = memoryAfterGc();
  if (memory && memoryBefore) {
    const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
    console.log(
      `memory for ${DOCS} documents, 3 indexes (one multikey): heap ${mib(memory.heapUsed - memoryBefore.heapUsed)} after a full GC (documents and indexes both live there)`,
    );
  } else {
    console.log('memory: run node with --expose-gc to measure it');
  }
  await timed('indexed page of 20 (server CPU)', 5_000, serverCpu(catalog, storage, () => ({ find: 'tickets', filter: page, sort: { createdAt: -1 }, limit: 20 })));
  await timed('find by _id (server CPU)', 5_000, serverCpu(catalog, storage, () => ({ find: 'tickets', filter: { _id: 4242 }, limit: 1, singleBatch: true })));
  let next = DOCS;
  await timed('insert one document (server CPU, journaled)', 5_000, serverCpu(catalog, storage, () => ({ insert: 'tickets', documents: [{ _id: next++, ...ticket(next) }] })));
  await storage.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
