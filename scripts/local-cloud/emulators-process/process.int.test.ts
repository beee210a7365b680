import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { validateEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServiceDirs } from '../../service-dirs';
import type { RuleTargetSpec } from '../wiring/wiring';
import { startEmulatorsProcess, type EmulatorsProcess } from './process';

const root = path.resolve(import.meta.dirname, '../../..');
const created = JSON.parse(readFileSync(path.join(root, 'events-schema/ticket/created/examples/opened-by-customer.json'), 'utf8')) as EventEnvelope;
const logged: string[] = [];
const logger = { debug: () => undefined, info: () => undefined, warn: (message: string) => logged.push(message), error: (message: string) => logged.push(message) };

describe('the emulators in a process of their own', () => {
  let dataDir: string;
  let emulators: EmulatorsProcess;
  const delivered: { target: RuleTargetSpec; events: string[] }[] = [];
  let failNext = 0;
  let holdDeliveries: Promise<void> | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'emulators-process-'));
    emulators = await startEmulatorsProcess(
      { dataDir, serviceDirs: defaultServiceDirs(root), stage: 'local' },
      {
        deliver: async (target, events) => {
          await holdDeliveries;
          if (failNext-- > 0) throw new Error('Step Functions is busy');
          delivered.push({ target, events });
        },
        logger,
        onUnexpectedExit: (error) => logged.push(error.message),
      },
    );
  });
  const publish = (event: EventEnvelope) =>
    createEventPublisher({
      client: new EventBridgeClient({ endpoint: emulators.endpoints.eventbridge, region: 'us-east-1' }),
      eventBusName: 'cogdesk-local',
      validate: validateEvent,
    }).publish([event]);

  afterAll(async () => {
    await emulators?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('books its ports beside the others in the data dir', async () => {
    const ports = JSON.parse(await readFile(path.join(dataDir, 'ports.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(ports).sort()).toEqual(['dynamodb', 'eventbridge', 'sqs']);
    expect(emulators.endpoints.eventbridge).toBe(`http://127.0.0.1:${ports.eventbridge}`);
  });

  it('accepts PutEvents, fills the queues, and hands Step Functions targets to the backend, retrying what it refused', async () => {
    failNext = 1;
    const event = { ...created, id: '0193886a-0001-7000-8000-0000000000e1' };
    await publish(event);

    const deadline = Date.now() + 10_000;
    while (delivered.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.target.arn).toMatch(/^arn:aws:states:.*cognitive-chain$/);
    expect((JSON.parse(delivered[0]!.events[0]!) as { detail: { id: string } }).detail.id).toBe(event.id);

    const dedupeQueue = [...emulators.queueUrls].find(([arn]) => arn.endsWith(':cogdesk-local-dedupe-events'))![1];
    const sqs = new SQSClient({ endpoint: emulators.endpoints.sqs, region: 'us-east-1' });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dedupeQueue, WaitTimeSeconds: 2 }));
    expect(Messages.map((message) => (JSON.parse(message.Body!) as { detail: { id: string } }).detail.id)).toEqual([event.id]);
    expect(logged).toEqual([]);
  });

  it('drains on request: answers once every delivery it had started has been made', async () => {
    let release!: () => void;
    holdDeliveries = new Promise((resolve) => (release = resolve));
    const event = { ...created, id: '0193886a-0001-7000-8000-0000000000e2' };
    await publish(event);
    await new Promise((resolve) => setTimeout(resolve, 200));

    let drained = false;
    const drain = emulators.drainBus().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drained).toBe(false);
    holdDeliveries = undefined;
    release();
    await drain;
    expect(delivered.some(({ events }) => events.some((text) => text.includes(event.id)))).toBe(true);
  });
});
