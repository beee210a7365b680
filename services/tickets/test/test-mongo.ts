/**
 * A MongoDB for a test file: the real one at MONGODB_URI when set (each test file in its own database),
 * else the embedded server in a temporary directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo } from '../../../scripts/local-cloud/mongo';

export interface TestMongo {
  uri: string;
  db: Db;
  client: MongoClient;
  stop(): Promise<void>;
}

export async function startTestMongo(): Promise<TestMongo> {
  const databaseName = `cogdesk_test_${randomUUID().slice(0, 8)}`;
  if (process.env.MONGODB_URI) {
    const client = new MongoClient(process.env.MONGODB_URI);
    const db = client.db(databaseName);
    return {
      uri: process.env.MONGODB_URI,
      db,
      client,
      stop: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tickets-mongo-'));
  const mongo = await startEmbeddedMongo({ dataDir });
  const client = new MongoClient(mongo.uri);
  return {
    uri: mongo.uri,
    db: client.db(databaseName),
    client,
    stop: async () => {
      await client.close();
      await mongo.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
