import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PortBook } from './ports';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ports-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

it('keeps the ports two processes booked in the same data dir, each book opened before the other wrote', async () => {
  const backend = await PortBook.open(dataDir);
  const emulators = await PortBook.open(dataDir);
  await emulators.start('sqs', () => Promise.resolve({ port: 4001 }));
  await backend.start('mongodb', () => Promise.resolve({ port: 4002 }));

  expect(JSON.parse(await readFile(path.join(dataDir, 'ports.json'), 'utf8'))).toEqual({ sqs: 4001, mongodb: 4002 });
});

it('offers the remembered port first, and any free one when it is taken', async () => {
  await (await PortBook.open(dataDir)).start('sqs', () => Promise.resolve({ port: 4001 }));
  const asked: number[] = [];
  const started = await (await PortBook.open(dataDir)).start('sqs', (port) => {
    asked.push(port);
    return port === 4001 ? Promise.reject(Object.assign(new Error('taken'), { code: 'EADDRINUSE' })) : Promise.resolve({ port: 4003 });
  });
  expect(asked).toEqual([4001, 0]);
  expect(started.port).toBe(4003);
});
