import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { expect, it } from 'vitest';
import { startLocalCloud } from '../../../scripts/local-cloud/local-cloud';
import { defaultServiceDirs } from '../../../scripts/service-dirs';

const root = path.resolve(import.meta.dirname, '../../..');
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

it('serves tickets again after a stop and a restart in the same process (stop closes its MongoDB client, the next request reconnects)', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tickets-restart-'));
  const secret = randomBytes(32).toString('hex');
  const start = () => startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), logger: silent, environment: { AUTH_LOCAL_SECRET: secret } });
  const headers = { authorization: `Bearer ${await createLocalTokenIssuer(secret).issue({ sub: 'restart', roles: ['admin'] })}`, 'content-type': 'application/json' };
  let cloud = await start();
  try {
    const created = await fetch(`${cloud.url}/api/tickets`, { method: 'POST', headers, body: JSON.stringify({ title: 'Survives an in-process restart' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await cloud.stop();

    cloud = await start();
    const read = await fetch(`${cloud.url}/api/tickets/${id}`, { headers });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, title: 'Survives an in-process restart' });
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
