/**
 * A service that exists only for the local cloud's tests: it consumes events through the shared consumer
 * (validation, idempotency, partial batch failures), records them in DynamoDB, and answers one route.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { validateEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { InMemoryProcessedEventStore } from '@cogdesk/shared/events/processed-events';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

export const received: EventEnvelope[] = [];
export const ticks: unknown[] = [];
/** Event ids whose handling should throw, to exercise redelivery and the DLQ. */
export const failing = new Set<string>();

const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const consume = createEventConsumer({
  validate: validateEvent,
  processedEvents: new InMemoryProcessedEventStore(),
  handle: async (event) => {
    if (failing.has(event.id)) throw new Error(`probe told to fail ${event.id}`);
    await table.send(new PutCommand({ TableName: process.env.PROBE_TABLE_NAME, Item: { pk: event.id, type: event.type } }));
    received.push(event);
  },
});

export const tick = (event: unknown) => {
  ticks.push(event);
  return Promise.resolve();
};

/** How often the local cloud disposed of this module on stop. */
export let disposals = 0;
export function dispose(): Promise<void> {
  disposals++;
  return Promise.resolve();
}

/** Answers with what it was given and the process it ran in; `{ fail: true }` throws a named error. */
export const echo = (event: { fail?: boolean }) => {
  if (event.fail) return Promise.reject(Object.assign(new Error('probe told to fail'), { name: 'ProbeError' }));
  return Promise.resolve({ echoed: event, pid: process.pid });
};

export const app = new Hono()
  .get('/api/probe/:name', (c) => c.json({ hello: c.req.param('name') }))
  .post('/api/probe/:name', async (c) => c.json({ name: c.req.param('name'), body: await c.req.json<unknown>(), pid: process.pid }, 201, { 'x-probe': 'yes' }));
export const handler = handle(app);
