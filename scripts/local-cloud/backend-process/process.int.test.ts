import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { validateEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../local-cloud';

const root = path.resolve(import.meta.dirname, '../../..');
const probeDir = path.join(import.meta.dirname, '../test-fixtures/probe-service');
const example = JSON.parse(readFileSync(path.join(root, 'events-schema/ticket/deleted/examples/deleted-by-admin.json'), 'utf8')) as EventEnvelope;
const logged: string[] = [];
const logger = { debug: () => undefined, info: () => undefined, warn: (message: string) => logged.push(message), error: (message: string) => logged.push(message) };

/** The emulators' process (SQS, DynamoDB, EventBridge) the backend started. */
const emulatorsPidOf = (backendPid: number) =>
  execSync('ps -e -o pid=,ppid=,args=')
    .toString()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((row) => row && Number(row[2]) === backendPid && row[3]!.includes('emulators-process'))
    .map((row) => Number(row![1]))[0];

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;
/** The scheduling policy of each thread of `pid` (field 41 of /proc/<pid>/task/<tid>/stat, after the command name). */
const threadPolicies = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  });

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a service running in the backend process', () => {
  let dataDir: string;
  let cloud: LocalCloud;
  const backendExits: Error[] = [];
  const start = () =>
    startLocalCloud({ dataDir, port: 0, serviceDirs: [root, probeDir], backendServices: ['cogdesk-probe'], backendPriority: 'background', logger, onBackendExit: (error) => backendExits.push(error) });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'backend-process-'));
    cloud = await start();
  });

  afterAll(async () => {
    await cloud?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is invoked by name or ARN in its own process, and its errors keep their name and message', async () => {
    const echoed = (await cloud.invoke('cogdesk-probe-local-echo', { hello: 'ada' })) as { echoed: unknown; pid: number };
    expect(echoed.echoed).toEqual({ hello: 'ada' });
    expect(echoed.pid).not.toBe(process.pid);
    const arn = cloud.wiring.functions.find((fn) => fn.name === 'cogdesk-probe-local-echo')!.arn;
    expect(await cloud.invoke(arn, {})).toMatchObject({ pid: echoed.pid });

    await expect(cloud.invoke('cogdesk-probe-local-echo', { fail: true })).rejects.toMatchObject({ name: 'ProbeError', message: 'probe told to fail' });
  });

  it('runs in the background (Linux: every thread on SCHED_IDLE; elsewhere nice 19), while the emulators it started keep their priority', async () => {
    const { pid } = (await cloud.invoke('cogdesk-probe-local-echo', {})) as { pid: number };
    const emulatorsPid = emulatorsPidOf(pid)!;
    expect(emulatorsPid).toBeGreaterThan(0);
    if (process.platform === 'linux') {
      expect(new Set(threadPolicies(pid))).toEqual(new Set([SCHED_IDLE]));
      expect(new Set(threadPolicies(emulatorsPid))).toEqual(new Set([SCHED_OTHER]));
    } else {
      expect(getPriority(pid)).toBe(19);
    }
    expect(getPriority(emulatorsPid)).toBe(getPriority(process.pid));
  });

  it('answers its HTTP routes through the gateway, with the status, headers and body it gave', async () => {
    expect(await (await fetch(`${cloud.url}/api/probe/ada?x=1`)).json()).toEqual({ hello: 'ada' });
    const posted = await fetch(`${cloud.url}/api/probe/grace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 1 }) });
    expect(posted.status).toBe(201);
    expect(posted.headers.get('x-probe')).toBe('yes');
    expect(await posted.json()).toMatchObject({ name: 'grace', body: { n: 1 } });
    expect(await (await fetch(`${cloud.url}/api/health`)).json()).toMatchObject({ services: expect.arrayContaining(['cogdesk-probe']) as unknown });
  });

  it('runs its SQS triggers itself: a published event reaches its consumer', async () => {
    const event = { ...example, id: randomUUID(), subject: `probe-${randomUUID()}` };
    await createEventPublisher({
      client: new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: 'us-east-1' }),
      eventBusName: 'cogdesk-local',
      validate: validateEvent,
    }).publish([event]);
    const table = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: 'us-east-1' }));
    const deadline = Date.now() + 15_000;
    let item: Record<string, unknown> | undefined;
    while (!item && Date.now() < deadline) {
      ({ Item: item } = await table.send(new GetCommand({ TableName: 'cogdesk-local-probe', Key: { pk: event.id } })));
      if (!item) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(item).toEqual({ pk: event.id, type: 'ticket.deleted' });
  });

  it('stops with the local cloud, emulators included', async () => {
    const { pid } = (await cloud.invoke('cogdesk-probe-local-echo', {})) as { pid: number };
    const emulatorsPid = emulatorsPidOf(pid)!;
    expect(isAlive(emulatorsPid)).toBe(true);
    await cloud.stop();
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(emulatorsPid)).toBe(false);
    expect(logged).toEqual([]);
    expect(backendExits).toEqual([]);
    cloud = await start();
  });

  it('tells the API process when the backend dies unasked', async () => {
    const { pid } = (await cloud.invoke('cogdesk-probe-local-echo', {})) as { pid: number };
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (backendExits.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backendExits.map((error) => error.message)).toEqual(['local cloud backend exited unexpectedly (SIGKILL)']);
    logged.length = 0;
  });

  it('stops the backend, and so tells the API process, when the emulators die unasked', async () => {
    await cloud.stop();
    backendExits.length = 0;
    cloud = await start();
    const { pid } = (await cloud.invoke('cogdesk-probe-local-echo', {})) as { pid: number };
    process.kill(emulatorsPidOf(pid)!, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (backendExits.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backendExits.map((error) => error.message)).toEqual(['local cloud backend exited unexpectedly (code 1)']);
    expect(logged).toContain('local cloud emulators exited unexpectedly (SIGKILL)');
    logged.length = 0;
  });
});
