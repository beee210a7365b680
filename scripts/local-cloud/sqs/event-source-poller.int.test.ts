import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, it, vi, type TestContext } from 'vitest';
import {
  InvalidEventSourceConfigError,
  startSqsEventSource,
  type SqsEventSource,
  type SqsEventSourceOptions,
} from './event-source-poller';

let fauxqs: FauxqsServer;
let sqs: SQSClient;
let queueCount = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, host: 'localhost', listenHost: '127.0.0.1' });
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${fauxqs.port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  sqs.destroy();
  await fauxqs.stop();
});

/** A queue with a 1 s visibility timeout whose messages move to a DLQ after 2 receives. */
async function createQueues() {
  const name = `orders-${++queueCount}`;
  const dlq = await createQueue(`${name}-dlq`, {});
  const main = await createQueue(name, {
    VisibilityTimeout: '1',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 2 }),
  });
  return { ...main, dlqUrl: dlq.queueUrl };
}

async function createQueue(name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { queueUrl: QueueUrl!, queueArn: Attributes!.QueueArn! };
}

async function send(queueUrl: string, ...bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

async function messageCounts(queueUrl: string) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { visible: Number(Attributes!.ApproximateNumberOfMessages), inFlight: Number(Attributes!.ApproximateNumberOfMessagesNotVisible) };
}

async function receiveBodies(queueUrl: string) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  return Messages.map((message) => message.Body);
}

const spyLogger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

/** Starts a source that stops when the test finishes (tests run concurrently, each on its own queues). */
function start(
  t: TestContext,
  options: Pick<SqsEventSourceOptions, 'queueUrl' | 'queueArn' | 'handler'> & Partial<SqsEventSourceOptions>,
): SqsEventSource {
  const source = startSqsEventSource({ client: sqs, waitTimeSeconds: 1, logger: spyLogger(), ...options });
  t.onTestFinished(() => source.stop());
  return source;
}

type HandlerResult = SQSBatchResponse | void;

/** A handler that records each batch's bodies and receive counts. */
function recordingHandler(decide: (event: SQSEvent, call: number) => HandlerResult | Promise<HandlerResult> = () => undefined) {
  const batches: { body: string; receiveCount: string }[][] = [];
  const handler = vi.fn(async (event: SQSEvent, _context: Context) => {
    batches.push(event.Records.map((record) => ({ body: record.body, receiveCount: record.attributes.ApproximateReceiveCount })));
    return decide(event, batches.length);
  });
  return { handler, batches };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wait = { timeout: 10_000, interval: 20 };

describe.concurrent('fauxqs', () => {
  // The poller relies on this instead of moving messages itself, exactly as Lambda relies on SQS.
  it('moves a message to the DLQ itself on the receive after maxReceiveCount', async (t) => {
    const { expect } = t;
    const { queueUrl, dlqUrl } = await createQueues();
    await send(queueUrl, 'poison');
    const receiveOnce = () =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }));

    expect((await receiveOnce()).Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect((await receiveOnce()).Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect((await receiveOnce()).Messages).toBeUndefined();
    expect(await receiveBodies(dlqUrl)).toEqual(['poison']);
  });
});

describe.concurrent('startSqsEventSource', () => {
  it('invokes with Lambda-shaped records and deletes a successful batch', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"ticketId":"t-1"}',
        MessageAttributes: {
          tenant: { DataType: 'String', StringValue: 'acme' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      }),
    );
    await send(queueUrl, 'second', 'third');
    const events: SQSEvent[] = [];
    const source = start(t, { queueUrl, queueArn, handler: (event) => {
        events.push(event);
        return Promise.resolve();
      },
    });

    await vi.waitFor(() => expect(source.stats().succeeded).toBe(3), wait);
    const records = events.flatMap((event) => event.Records);
    expect(records[0]).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: '{"ticketId":"t-1"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        tenant: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from('hi').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: createHash('md5').update('{"ticketId":"t-1"}').digest('hex'),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'eu-west-1',
    });
    expect(records.map((record) => record.body)).toEqual(['{"ticketId":"t-1"}', 'second', 'third']);
    expect(records[1]).not.toHaveProperty('md5OfMessageAttributes');
    await vi.waitFor(async () => expect(await messageCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0 }), wait);
  });

  it('redelivers only the reported failure, then the queue moves it to the DLQ', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn, dlqUrl } = await createQueues();
    await send(queueUrl, 'a', 'b', 'c');
    const { handler, batches } = recordingHandler((event) => ({
      batchItemFailures: event.Records.filter((record) => record.body === 'b').map((record) => ({ itemIdentifier: record.messageId })),
    }));
    const source = start(t, { queueUrl, queueArn, handler, functionResponseType: 'ReportBatchItemFailures' });

    await vi.waitFor(async () => expect(await receiveBodies(dlqUrl)).toEqual(['b']), wait);
    expect(batches).toEqual([
      [
        { body: 'a', receiveCount: '1' },
        { body: 'b', receiveCount: '1' },
        { body: 'c', receiveCount: '1' },
      ],
      [{ body: 'b', receiveCount: '2' }],
    ]);
    expect(source.stats()).toMatchObject({ received: 4, succeeded: 2, failed: 2, invocations: 2 });
    expect(await messageCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('redelivers the whole batch when the handler throws', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await send(queueUrl, 'a', 'b');
    const { handler, batches } = recordingHandler((_event, call) => {
      if (call === 1) throw new Error('database unavailable');
    });
    const logger = spyLogger();
    const source = start(t, { queueUrl, queueArn, handler, logger, functionResponseType: 'ReportBatchItemFailures' });

    await vi.waitFor(() => expect(source.stats().succeeded).toBe(2), wait);
    expect(batches.map((batch) => batch.map(({ receiveCount }) => receiveCount))).toEqual([
      ['1', '1'],
      ['2', '2'],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('handler threw: Error: database unavailable'));
  });

  it('ignores batchItemFailures without ReportBatchItemFailures, as Lambda does', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await send(queueUrl, 'a', 'b');
    const { handler } = recordingHandler((event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] }));
    const source = start(t, { queueUrl, queueArn, handler });

    await vi.waitFor(() => expect(source.stats().succeeded).toBe(2), wait);
    await sleep(1_300); // past the visibility timeout: anything left would be back
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await messageCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('treats a handler that outlives its timeout as failed and gives it a Lambda-like context', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await send(queueUrl, 'slow');
    const contexts: { awsRequestId: string; functionName: string; remainingMs: number }[] = [];
    const { handler, batches } = recordingHandler(async (_event, call) => {
      if (call === 1) await sleep(500);
    });
    const logger = spyLogger();
    const source = start(t, {
      queueUrl,
      queueArn,
      logger,
      timeoutSeconds: 0.2,
      functionName: 'triage-worker',
      handler: (event, context) => {
        contexts.push({ ...context, remainingMs: context.getRemainingTimeInMillis() });
        return handler(event, context);
      },
    });

    await vi.waitFor(() => expect(source.stats().succeeded).toBe(1), wait);
    expect(batches.map((batch) => batch[0]?.receiveCount)).toEqual(['1', '2']);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('Task timed out after 0.20 seconds'));
    expect(contexts[0]).toMatchObject({ functionName: 'triage-worker', awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(contexts[0]!.remainingMs).toBeGreaterThan(100);
    expect(contexts[0]!.remainingMs).toBeLessThanOrEqual(200);
    expect(contexts[1]!.awsRequestId).not.toBe(contexts[0]!.awsRequestId);
  });

  it('gathers messages sent over the batching window into one invocation', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    const { handler, batches } = recordingHandler();
    start(t, { queueUrl, queueArn, handler, batchSize: 5, maximumBatchingWindowSeconds: 1 });

    await send(queueUrl, 'a');
    await sleep(300);
    await send(queueUrl, 'b');
    await sleep(300);
    await send(queueUrl, 'c');

    await vi.waitFor(() => expect(batches).toHaveLength(1), wait);
    expect(batches[0]!.map(({ body }) => body)).toEqual(['a', 'b', 'c']);
  });

  it('fills a batch larger than 10 across receives and invokes as soon as it is full', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await send(queueUrl, ...Array.from({ length: 25 }, (_, i) => `m${i}`));
    const { handler, batches } = recordingHandler();
    const startedAt = Date.now();
    start(t, { queueUrl, queueArn, handler, batchSize: 20, maximumBatchingWindowSeconds: 30 });

    await vi.waitFor(() => expect(batches).toHaveLength(1), wait);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(batches[0]).toHaveLength(20);
  });

  it('runs up to `concurrency` invocations at once', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await send(queueUrl, 'a', 'b', 'c', 'd');
    let running = 0;
    let mostAtOnce = 0;
    const source = start(t, {
      queueUrl,
      queueArn,
      batchSize: 1,
      concurrency: 2,
      handler: async () => {
        mostAtOnce = Math.max(mostAtOnce, ++running);
        await sleep(150);
        running -= 1;
      },
    });

    await vi.waitFor(() => expect(source.stats().succeeded).toBe(4), wait);
    expect(mostAtOnce).toBe(2);
  });

  it('stop() waits for an in-flight invocation and its delete', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    await send(queueUrl, 'a', 'b');
    let entered = false;
    const { handler } = recordingHandler(async () => {
      entered = true;
      await sleep(500);
    });
    const source = start(t, { queueUrl, queueArn, handler });
    await vi.waitFor(() => expect(entered).toBe(true), wait);

    await source.stop();
    expect(source.stats()).toMatchObject({ received: 2, succeeded: 2, inFlight: 0, invocations: 1 });
    expect(await messageCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    await sleep(1_300); // past the visibility timeout: an unacknowledged message would be back
    expect(await messageCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('backs off on receive errors instead of spinning', async (t) => {
    const { expect } = t;
    const logger = spyLogger();
    const source = start(t, {
      logger,
      queueUrl: `http://127.0.0.1:${fauxqs.port}/000000000000/no-such-queue`,
      queueArn: 'arn:aws:sqs:eu-west-1:000000000000:no-such-queue',
      handler: async () => {},
    });
    await sleep(1_000);
    await source.stop();

    // 100 + 200 + 400 ms of backoff fit in the second, so 3–4 attempts.
    expect(logger.error.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(logger.error.mock.calls.length).toBeLessThanOrEqual(5);
    expect(logger.error).toHaveBeenLastCalledWith(expect.stringMatching(/ReceiveMessage failed \(\d in a row\)/), expect.anything());
  });

  it('rejects a configuration Lambda would reject', async (t) => {
    const { expect } = t;
    const { queueUrl, queueArn } = await createQueues();
    expect(() => start(t, { queueUrl, queueArn, handler: async () => {}, batchSize: 20 })).toThrow(InvalidEventSourceConfigError);
    expect(() => start(t, { queueUrl, queueArn, handler: async () => {}, waitTimeSeconds: 25 })).toThrow(/waitTimeSeconds/);
  });
});
