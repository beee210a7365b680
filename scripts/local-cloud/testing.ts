/**
 * For end-to-end tests and benchmarks: the whole local cloud on a fresh data dir with an admin token, and
 * a small HTTP client for it.
 *
 * @example
 *   const system = await startTestCloud('chain-e2e');
 *   const created = await system.api<{ id: string }>('POST', '/api/tickets', { title: 'Printer on fire' });
 *   await eventually(() => system.api('GET', `/api/tickets/${created.body.id}`), (r) => r.status === 200);
 *   await system.stop();
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { defaultServiceDirs } from '../service-dirs';
import { startLocalCloud, type LocalCloud } from './local-cloud';

const root = path.resolve(import.meta.dirname, '../..');
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestCloud {
  cloud: LocalCloud;
  token: string;
  api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startTestCloud(name: string): Promise<TestCloud> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `${name}-`));
  const secret = randomBytes(32).toString('hex');
  const cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), logger: silent, environment: { AUTH_LOCAL_SECRET: secret } });
  const token = await createLocalTokenIssuer(secret).issue({ sub: name, roles: ['admin'] });
  return {
    cloud,
    token,
    async api<T>(method: string, route: string, body?: unknown) {
      const response = await fetch(`${cloud.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async stop() {
      await cloud.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads until `done` holds (or throws with the last value after `timeoutMs`). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time; last: ${JSON.stringify(value).slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
