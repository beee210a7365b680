import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

interface Started {
  child: ChildProcess;
  url: string;
  token: string;
  output: () => string;
}

// What `npm start` runs, started directly so signals reach it as they do from a terminal (npm itself
// would only relay them).
const startScript = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;

/** `npm start`'s command, on a free port and a given data dir. */
async function npmStart(dataDir: string): Promise<Started> {
  const [command, ...args] = startScript.split(' ');
  const child = spawn(path.join(root, 'node_modules/.bin', command!), args, {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/admin token (\S+)/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url: /dashboard\s+(http:\/\/\S+?)\/?\s/.exec(output)![1]!,
    token: /admin token (\S+)/.exec(output)![1]!,
    output: () => output,
  };
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGTERM');
  return new Promise((resolve) => started.child.once('exit', (code) => resolve(code)));
}

describe('npm start', () => {
  let dataDir: string;
  let started: Started;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'npm-start-'));
    started = await npmStart(dataDir);
  });

  afterAll(async () => {
    if (started.child.exitCode === null) await stop(started);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves health, the API document and its UI, and prints an admin token', async () => {
    expect((await fetch(`${started.url}/api/health`)).status).toBe(200);
    expect(await (await fetch(`${started.url}/api/openapi.json`)).json()).toMatchObject({ openapi: '3.1.0' });
    expect((await fetch(`${started.url}/api/docs`)).headers.get('content-type')).toContain('text/html');
    expect(started.token.split('.')).toHaveLength(3);
  });

  it('shuts down cleanly when whoever reads its output is gone', async () => {
    const otherDir = await mkdtemp(path.join(tmpdir(), 'npm-start-'));
    const orphan = await npmStart(otherDir);
    try {
      orphan.child.stdout!.destroy();
      orphan.child.stderr!.destroy();
      // Its shutdown message now meets a closed pipe.
      expect(await stop(orphan)).toBe(0);
    } finally {
      if (orphan.child.exitCode === null) orphan.child.kill('SIGKILL');
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('keeps tickets across a clean shutdown and restart, and still accepts the token it printed', async () => {
    const auth = { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' };
    const created = await fetch(`${started.url}/api/tickets`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Survives restarts' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    expect(await stop(started), started.output()).toBe(0);
    const again = await npmStart(dataDir);
    try {
      const read = await fetch(`${again.url}/api/tickets/${id}`, { headers: auth });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ id, title: 'Survives restarts' });
      const history = (await (await fetch(`${again.url}/api/tickets/${id}/history`, { headers: auth })).json()) as { items: { type: string }[] };
      // Its audit trail came along; the chain (which may have run before or after the restart) adds to it.
      expect(history.items[0]?.type).toBe('ticket.created');
    } finally {
      expect(await stop(again), again.output()).toBe(0);
    }
  });
});
