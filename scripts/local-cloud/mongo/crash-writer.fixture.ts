/**
 * Child process for the crash test: runs an embedded server on the data directory given as the
 * first argument and writes through the driver forever, printing `ack <seq>` after each write
 * is acknowledged, until the test kills it with SIGKILL.
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from './server';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-writer.fixture.ts <dataDir>');

const mongo = await startEmbeddedMongo({ dataDir });
const client = new MongoClient(mongo.uri);
const db = client.db('crash');
await db.collection('tickets').createIndex({ seq: 1 }, { unique: true });

for (let seq = 0; ; seq++) {
  if (seq % 25 === 0) {
    // A multi-document batch now and then, so large journal appends are cut by the kill too.
    await db.collection('batches').insertMany(Array.from({ length: 50 }, (_, i) => ({ seq, i, body: 'x'.repeat(500) })));
  }
  await db.collection('tickets').insertOne({ seq, title: `ticket ${seq}` });
  await db.collection('counters').updateOne({ _id: 'acked' as never }, { $set: { seq } }, { upsert: true });
  process.stdout.write(`ack ${seq}\n`);
}
