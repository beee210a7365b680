import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalEventBus, sqsTarget } from './bus';
import { startLocalEventBridge, type LocalEventBridgeServer } from './server';

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let fauxqs: FauxqsServer;
let sqs: SQSClient;
let queueUrl: string;
let bus: LocalEventBus;
let eventBridge: LocalEventBridgeServer;
let client: EventBridgeClient;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, host: 'localhost', listenHost: '127.0.0.1' });
  sqs = new SQSClient({ region, credentials, endpoint: `http://127.0.0.1:${fauxqs.port}` });
  ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'tickets-events' })));

  bus = new LocalEventBus({
    rules: [
      {
        name: 'tickets-consumes-workflow',
        eventBusName: 'default',
        pattern: { source: ['cogdesk.workflow'], 'detail-type': [{ prefix: 'ticket.' }] },
        targets: [sqsTarget(sqs, queueUrl, 'tickets-events')],
      },
    ],
  });
  eventBridge = await startLocalEventBridge({ bus });
  client = new EventBridgeClient({ region, credentials, endpoint: eventBridge.endpoint });
});

afterAll(async () => {
  client?.destroy();
  sqs?.destroy();
  await eventBridge?.stop();
  await fauxqs?.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Receives (and deletes, so no test sees another's) until `count` messages arrived or a receive comes back empty. */
async function receive(count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return messages;
}

const triaged = (ticketId: string) => ({
  Source: 'cogdesk.workflow',
  DetailType: 'ticket.triaged.v1',
  Detail: JSON.stringify({ subject: ticketId, data: { priority: 'high' } }),
});

describe('local EventBridge server', () => {
  it('takes PutEvents from the real SDK client and delivers the event to the SQS queue', async () => {
    const result = await client.send(
      new PutEventsCommand({ Entries: [{ ...triaged('t-1'), Time: new Date('2026-11-25T10:00:00Z'), Resources: ['ticket/t-1'] }] }),
    );
    expect(result.FailedEntryCount).toBe(0);
    const eventId = result.Entries?.[0]?.EventId;
    expect(eventId).toEqual(expect.any(String));

    await bus.drain();
    const [message, ...others] = await receive(1);
    expect(others).toHaveLength(0);
    expect(JSON.parse(message!.Body!)).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'ticket.triaged.v1',
      source: 'cogdesk.workflow',
      account: bus.accountId,
      time: '2026-11-25T10:00:00Z',
      region: bus.region,
      resources: ['ticket/t-1'],
      detail: { subject: 't-1', data: { priority: 'high' } },
    });
  });

  it('rejects a malformed Detail entry by entry and still delivers the good entries of the call', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [triaged('t-2'), { ...triaged('t-3'), Detail: '{"subject": "t-3", ' }, triaged('t-4')],
      }),
    );
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    const goodIds = [result.Entries?.[0]?.EventId, result.Entries?.[2]?.EventId];

    await bus.drain();
    const delivered = (await receive(2)).map((m) => JSON.parse(m.Body!) as { id: string; detail: { subject: string } });
    expect(delivered.map((e) => e.id).sort()).toEqual([...goodIds].sort());
    expect(delivered.map((e) => e.detail.subject).sort()).toEqual(['t-2', 't-4']);
  });

  it('does not deliver events no rule matches', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [{ ...triaged('t-5'), Source: 'cogdesk.tickets' }] }));
    expect(result.FailedEntryCount).toBe(0);
    await bus.drain();
    expect(await receive(1)).toEqual([]);
  });

  it('is found through AWS_ENDPOINT_URL_EVENTBRIDGE', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', eventBridge.endpoint);
    const fromEnvironment = new EventBridgeClient({ region, credentials });
    try {
      const result = await fromEnvironment.send(new PutEventsCommand({ Entries: [triaged('t-6')] }));
      expect(result.FailedEntryCount).toBe(0);
      await bus.drain();
      expect((await receive(1)).map((m) => (JSON.parse(m.Body!) as { id: string }).id)).toEqual([result.Entries?.[0]?.EventId]);
    } finally {
      fromEnvironment.destroy();
    }
  });

  it('answers a call with too many entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => triaged(`t-${i}`));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('lists and describes rules', async () => {
    const { Rules } = await client.send(new ListRulesCommand({ NamePrefix: 'tickets-' }));
    expect(Rules).toEqual([
      {
        Name: 'tickets-consumes-workflow',
        Arn: `arn:aws:events:${bus.region}:${bus.accountId}:rule/tickets-consumes-workflow`,
        EventPattern: JSON.stringify({ source: ['cogdesk.workflow'], 'detail-type': [{ prefix: 'ticket.' }] }),
        State: 'ENABLED',
        EventBusName: 'default',
      },
    ]);
    const described = await client.send(new DescribeRuleCommand({ Name: 'tickets-consumes-workflow' }));
    expect(described).toMatchObject({ Name: 'tickets-consumes-workflow', State: 'ENABLED', CreatedBy: bus.accountId });
    await expect(client.send(new DescribeRuleCommand({ Name: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('tests event patterns and reports invalid ones as InvalidEventPatternException', async () => {
    const event = JSON.stringify({ source: 'cogdesk.tickets', detail: { priority: 'critical' } });
    const matched = await client.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"priority":["critical","high"]}}', Event: event }),
    );
    expect(matched.Result).toBe(true);
    await expect(
      client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"priority":"critical"}}', Event: event })),
    ).rejects.toMatchObject({ name: 'InvalidEventPatternException', message: expect.stringMatching(/detail\.priority/) as string });
  });

  it('answers unknown operations with UnknownOperationException in the AWS JSON error shape', async () => {
    const response = await fetch(eventBridge.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutRule' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation: AWSEvents.PutRule' });
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await fetch(eventBridge.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents' },
      body: '{"Entries": [',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
  });
});
