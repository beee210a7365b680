import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { validateEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import * as probe from './test-fixtures/probe-service/src/probe';

const root = path.resolve(import.meta.dirname, '../..');
const probeDir = path.join(import.meta.dirname, 'test-fixtures/probe-service');
const example = JSON.parse(
  readFileSync(path.join(root, 'events-schema/ticket/deleted/examples/deleted-by-admin.json'), 'utf8'),
) as EventEnvelope;
const infos: string[] = [];
const silent = { debug: () => undefined, info: (message: string) => void infos.push(message), warn: () => undefined, error: () => undefined };

function probeEvent(): EventEnvelope {
  return { ...example, id: randomUUID(), subject: `probe-${randomUUID()}` };
}

async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the local cloud', () => {
  let dataDir: string;
  let cloud: LocalCloud;
  // All in this process, where the test reads what the probe's functions recorded.
  const start = () => startLocalCloud({ dataDir, port: 0, serviceDirs: [root, probeDir], logger: silent, processes: 'one' });
  const clients = () => ({
    events: new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: 'us-east-1' }),
    sqs: new SQSClient({ endpoint: cloud.endpoints.sqs, region: 'us-east-1' }),
    table: DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: 'us-east-1' })),
  });
  const publish = (events: EventEnvelope[]) =>
    createEventPublisher({ client: clients().events, eventBusName: 'cogdesk-local', validate: validateEvent }).publish(events);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'local-cloud-'));
    cloud = await start();
  });

  afterAll(async () => {
    await cloud?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports its progress while it starts: each part, once ready, with the time since the start', () => {
    const progress = infos.filter((message) => / ready \(\d+\.\d s\)$/.test(message)).map((message) => message.replace(/ \(.*/, ''));
    expect(progress).toEqual([
      'local cloud: SQS, DynamoDB and EventBridge ready',
      'local cloud: embedded MongoDB ready',
      'local cloud: Step Functions ready',
      expect.stringMatching(/^local cloud: \d+ functions ready$/),
    ]);
  });

  it('delivers a published event through the rule, the queue and the consumer to the function', async () => {
    const event = probeEvent();
    await publish([event]);

    await eventually(() => probe.received.some((seen) => seen.id === event.id));
    const { Item } = await clients().table.send(new GetCommand({ TableName: 'cogdesk-local-probe', Key: { pk: event.id } }));
    expect(Item).toEqual({ pk: event.id, type: 'ticket.deleted' });
  });

  it('does not deliver events the rule does not match', async () => {
    const unmatched = { ...probeEvent(), subject: 'someone-else' };
    const matched = probeEvent();
    await publish([unmatched, matched]);

    await eventually(() => probe.received.some((seen) => seen.id === matched.id));
    expect(probe.received.some((seen) => seen.id === unmatched.id)).toBe(false);
  });

  it('serves the functions declared with httpApi events, health and the API document', async () => {
    const probeRoute = await fetch(`${cloud.url}/api/probe/ada`);
    expect(await probeRoute.json()).toEqual({ hello: 'ada' });
    const health = await fetch(`${cloud.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const openapi = await fetch(`${cloud.url}/api/openapi.json`);
    expect(await openapi.json()).toMatchObject({ openapi: '3.1.0' });
  });

  it('puts a malformed event in the dead-letter queue after its retries, with nothing else lost', async () => {
    const malformed = { ...probeEvent(), actor: { type: 'robot' } };
    const good = probeEvent();
    // Raw PutEvents: the shared publisher would refuse to send an invalid event at all.
    await clients().events.send(
      new PutEventsCommand({
        Entries: [malformed, good].map((event) => ({
          EventBusName: 'cogdesk-local',
          Source: event.source,
          DetailType: 'ticket.deleted.v1',
          Detail: JSON.stringify(event),
        })),
      }),
    );

    await eventually(() => probe.received.some((seen) => seen.id === good.id));
    const deadLetters = await eventually(async () => {
      const { Messages } = await clients().sqs.send(
        new ReceiveMessageCommand({ QueueUrl: cloud.wiring.queues.find((q) => q.name === 'cogdesk-local-probe-dlq')!.url, WaitTimeSeconds: 1 }),
      );
      return Messages?.length ? Messages : undefined;
    });
    expect(JSON.parse(deadLetters[0]!.Body!)).toMatchObject({ detail: { id: malformed.id } });
    expect(probe.received.some((seen) => seen.id === malformed.id)).toBe(false);
  });

  it('keeps data and unacknowledged work across a restart', async () => {
    const stored = probeEvent();
    const pending = probeEvent();
    await publish([stored]);
    await eventually(() => probe.received.some((seen) => seen.id === stored.id));
    probe.failing.add(pending.id);
    await publish([pending]);
    await eventually(() => cloud.bus!.stats().delivered > 0 && probe.received.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const disposalsBefore = probe.disposals;
    await cloud.stop();
    // The probe's functions share one module: its `dispose` runs once per stop, after the last invocation.
    expect(probe.disposals).toBe(disposalsBefore + 1);
    probe.failing.delete(pending.id);
    cloud = await start();

    const { Item } = await clients().table.send(new GetCommand({ TableName: 'cogdesk-local-probe', Key: { pk: stored.id } }));
    expect(Item).toBeDefined();
    await eventually(() => probe.received.some((seen) => seen.id === pending.id));
  });
});
