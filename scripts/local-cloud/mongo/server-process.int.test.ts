import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError } from './storage';
import { startEmbeddedMongoProcess } from './server-process';

describe('embedded MongoDB in its own process', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cogdesk-mongo-process-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('serves the driver over TCP and the Unix socket, and keeps the data after a stop', async () => {
    const socketPath = join(dataDir, 'mongodb.sock');
    const mongo = await startEmbeddedMongoProcess({ dataDir, socketPath });
    expect(mongo.socketUri).toBe(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`);
    const overTcp = new MongoClient(mongo.uri);
    const overSocket = new MongoClient(mongo.socketUri!);
    await overTcp.db('desk').collection('tickets').insertOne({ _id: 'T-1' as never, title: 'Printer on fire' });
    expect(await overSocket.db('desk').collection('tickets').findOne({ _id: 'T-1' as never })).toEqual({ _id: 'T-1', title: 'Printer on fire' });
    await Promise.all([overTcp.close(), overSocket.close()]);
    await mongo.stop();

    const again = await startEmbeddedMongoProcess({ dataDir, socketPath });
    const client = new MongoClient(again.socketUri!);
    expect(await client.db('desk').collection('tickets').countDocuments()).toBe(1);
    await client.close();
    await again.stop();
  });

  it('fails to start with the error the server gave, e.g. a data directory another process holds', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(join(dataDir, 'mongod.lock'), String(holder.pid));
      await expect(startEmbeddedMongoProcess({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      holder.kill();
    }
  });

  it('stops when the process that started it dies without stopping it, releasing the data directory', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./server-process-parent.fixture.ts', import.meta.url)), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for await (const line of createInterface({ input: parent.stdout })) if (line.startsWith('started ')) break;
    parent.kill('SIGKILL');
    await once(parent, 'exit');

    // The orphaned server notices its parent is gone, saves and exits; then the directory is free again.
    let again: Awaited<ReturnType<typeof startEmbeddedMongoProcess>> | undefined;
    for (let attempt = 0; !again; attempt++) {
      try {
        again = await startEmbeddedMongoProcess({ dataDir });
      } catch (error) {
        if (!(error instanceof DataDirLockedError) || attempt === 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await again.stop();
  });
});
