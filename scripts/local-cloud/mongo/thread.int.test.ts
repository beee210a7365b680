import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError } from './storage';
import { startEmbeddedMongoThread } from './thread';

describe('embedded MongoDB on its own thread', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cogdesk-mongo-thread-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('serves the driver over TCP and the Unix socket, and keeps the data after a stop', async () => {
    const socketPath = join(dataDir, 'mongodb.sock');
    const mongo = await startEmbeddedMongoThread({ dataDir, socketPath });
    expect(mongo.socketUri).toBe(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`);
    const overTcp = new MongoClient(mongo.uri);
    const overSocket = new MongoClient(mongo.socketUri!);
    await overTcp.db('desk').collection('tickets').insertOne({ _id: 'T-1' as never, title: 'Printer on fire' });
    expect(await overSocket.db('desk').collection('tickets').findOne({ _id: 'T-1' as never })).toEqual({ _id: 'T-1', title: 'Printer on fire' });
    await Promise.all([overTcp.close(), overSocket.close()]);
    await mongo.stop();

    const again = await startEmbeddedMongoThread({ dataDir, socketPath });
    const client = new MongoClient(again.socketUri!);
    expect(await client.db('desk').collection('tickets').countDocuments()).toBe(1);
    await client.close();
    await again.stop();
  });

  it('fails to start with the error the server gave, e.g. a data directory another process holds', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(join(dataDir, 'mongod.lock'), String(holder.pid));
      await expect(startEmbeddedMongoThread({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      holder.kill();
    }
  });
});
