import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessBatchSender, provisionQueues, restoreQueueSnapshot, saveQueueSnapshot, startLocalSqs, type LocalSqs } from './sqs-queues';
import type { QueueSpec } from './wiring/wiring';

let sqs: LocalSqs | undefined;
afterEach(async () => {
  await sqs?.server.stop();
  sqs = undefined;
});

const queue = (name: string, attributes: Record<string, string> = {}): QueueSpec => ({
  name,
  arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
  url: '',
  attributes,
});

describe('local SQS', () => {
  it('listens on loopback only (our fauxqs patch)', async () => {
    sqs = await startLocalSqs({ region: 'us-east-1' });
    expect(new URL(sqs.server.address).hostname).toBe('127.0.0.1');
  });

  it('accepts characters beyond the basic plane, as SQS does (our fauxqs patch), and still refuses control characters', async () => {
    sqs = await startLocalSqs({ region: 'us-east-1' });
    const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1' });
    const QueueUrl = (await provisionQueues(client, [queue('tickets')])).get('arn:aws:sqs:us-east-1:000000000000:tickets')!;
    const body = JSON.stringify({ title: 'DevTools crashes 🐛 on 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 names' });
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages.map((message) => message.Body)).toEqual([body]);
    await expect(client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bell \u0007' }))).rejects.toThrow();
  });

  it('takes a message batch in-process (our fauxqs patch) that a consumer then receives over the API, with per-entry failures and request errors as the API gives them', async () => {
    sqs = await startLocalSqs({ region: 'us-east-1' });
    const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1' });
    const QueueUrl = (await provisionQueues(client, [queue('tickets')])).get('arn:aws:sqs:us-east-1:000000000000:tickets')!;
    const sender = inProcessBatchSender(sqs.server);

    const sent = await sender.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '0', MessageBody: 'first' }, { Id: '1', MessageBody: 'bell \u0007' }, { Id: '2', MessageBody: 'second' }] }));
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['0', '2']);
    expect(sent.Failed).toEqual([expect.objectContaining({ Id: '1', SenderFault: true, Code: 'InvalidMessageContents' })]);
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((message) => message.Body).sort()).toEqual(['first', 'second']);

    await expect(sender.send(new SendMessageBatchCommand({ QueueUrl: `${QueueUrl}-gone`, Entries: [{ Id: '0', MessageBody: 'lost' }] }))).rejects.toThrow(/does not exist/i);
  });

  it('creates dead-letter queues before the queues that name them', async () => {
    sqs = await startLocalSqs({ region: 'us-east-1' });
    const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1' });
    const urls = await provisionQueues(client, [
      queue('main', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', maxReceiveCount: '2' }) }),
      queue('dlq'),
    ]);
    expect(urls.get('arn:aws:sqs:us-east-1:000000000000:main')).toBe(`${sqs.queueUrlBase}/000000000000/main`);
  });

  it('saves every unacknowledged message, received or not, and restores it into a fresh emulator', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sqs-snapshot-'));
    const file = path.join(dir, 'snapshot.json');
    const queues = [queue('work', { VisibilityTimeout: '30' })];
    sqs = await startLocalSqs({ region: 'us-east-1' });
    let client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1' });
    let urls = await provisionQueues(client, queues);
    const url = urls.get(queues[0]!.arn)!;
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'received', MessageAttributes: { kind: { DataType: 'String', StringValue: 'a' } } }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'waiting' }));

    expect(await saveQueueSnapshot(sqs.server, queues, file)).toBe(2);
    await sqs.server.stop();

    sqs = await startLocalSqs({ region: 'us-east-1' });
    client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1' });
    urls = await provisionQueues(client, queues);
    expect(await restoreQueueSnapshot(client, new Map([['work', urls.get(queues[0]!.arn)!]]), file)).toBe(2);
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: urls.get(queues[0]!.arn), MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    expect(Messages.map((m) => m.Body).sort()).toEqual(['received', 'waiting']);
    expect(Messages.find((m) => m.Body === 'received')?.MessageAttributes?.kind?.StringValue).toBe('a');
    await rm(dir, { recursive: true, force: true });
  });
});
