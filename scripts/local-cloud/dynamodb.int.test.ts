import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { startLocalDynamoDb } from './dynamodb';

it('starts on a free port when its remembered one is taken, and serves requests from its data dir', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dynamodb-'));
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const taken = (squatter.address() as AddressInfo).port;
  try {
    const dynamodb = await startLocalDynamoDb({ dataDir, port: taken });
    try {
      expect(dynamodb.port).not.toBe(taken);
      const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      client.destroy();
    } finally {
      await dynamodb.stop();
    }
  } finally {
    squatter.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
