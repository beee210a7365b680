import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite } from '../testing/dynalite';
import { processedEventStoreContract, TestClock } from './processed-events.contract';
import { DynamoDbProcessedEventStore } from './processed-events-dynamodb';

const tableName = 'processed-events';

describe('DynamoDbProcessedEventStore on dynalite', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  processedEventStoreContract(
    (timing) => new DynamoDbProcessedEventStore({ client, tableName, consumerName: 'contract', ...timing }),
  );

  it('keeps consumers sharing a table apart', async () => {
    const eventId = crypto.randomUUID();
    const analytics = new DynamoDbProcessedEventStore({ client, tableName, consumerName: 'analytics' });
    const escalation = new DynamoDbProcessedEventStore({ client, tableName, consumerName: 'escalation' });

    await analytics.claim(eventId);
    await analytics.complete(eventId);

    expect(await escalation.claim(eventId)).toBe('claimed');
    expect(await analytics.claim(eventId)).toBe('already-processed');
  });

  it('lets exactly one of many concurrent workers claim an event', async () => {
    const eventId = crypto.randomUUID();
    const store = new DynamoDbProcessedEventStore({ client, tableName, consumerName: 'race' });

    const results = await Promise.all(Array.from({ length: 8 }, () => store.claim(eventId)));

    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'in-progress')).toHaveLength(7);
  });

  it('stores the TTL attribute as epoch seconds', async () => {
    const clock = new TestClock();
    const eventId = crypto.randomUUID();
    const store = new DynamoDbProcessedEventStore({ client, tableName, consumerName: 'ttl', retentionDays: 2, now: clock.now });

    await store.claim(eventId);
    await store.complete(eventId);

    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `ttl#${eventId}` } } }));
    expect(Item?.expiresAt?.N).toBe(String(clock.now() / 1000 + 2 * 86_400));
    expect(Item?.status?.S).toBe('completed');
  });
});
