/**
 * The adapters every tickets function plugs in, built once per Lambda container (or once locally) from
 * the environment serverless.yml declares.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { validateEvent } from '@cogdesk/events-schema';
import { loadConfig } from '@cogdesk/shared/config';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { createLogger } from '@cogdesk/shared/observability/logger';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MongoIdempotencyStore } from '../store/idempotency-store';
import { MongoTicketStore } from '../store/mongo-ticket-store';

const config = loadConfig(
  z.object({
    MONGODB_URI: z.string().min(1),
    TICKETS_DATABASE: z.string().min(1).default('cogdesk'),
    EVENT_BUS_NAME: z.string().min(1),
    /** See TicketsAppDependencies.publishAfterResponse: true only where the process outlives its responses. */
    TICKETS_PUBLISH_AFTER_RESPONSE: z.enum(['true', 'false']).default('false'),
  }),
);

export const logger = createLogger('tickets');
// The driver connects on first use and pools; one client per container.
const client = new MongoClient(config.MONGODB_URI, { maxPoolSize: 20 });
const db = client.db(config.TICKETS_DATABASE);
export const store = new MongoTicketStore(db);
export const idempotency = new MongoIdempotencyStore(db);
export const relay = new OutboxRelay(
  store,
  createEventPublisher({ client: new EventBridgeClient({}), eventBusName: config.EVENT_BUS_NAME, validate: validateEvent, logger }),
  logger,
);

let indexes: Promise<void> | undefined;
/** Connects (again, after `dispose`) and creates the indexes once per container; creating an existing index is a no-op. */
export function ready(): Promise<void> {
  indexes ??= client
    .connect()
    .then(() => Promise.all([store.ensureIndexes(), idempotency.ensureIndexes()]))
    .then(
      () => undefined,
      (error: unknown) => {
        indexes = undefined;
        throw error;
      },
    );
  return indexes;
}

/**
 * Closes the container's MongoDB connections; the local cloud calls it on stop (see local-cloud/functions.ts).
 * The next `ready()` connects again, for a local cloud restarted in the same process.
 */
export async function dispose(): Promise<void> {
  indexes = undefined;
  await relay.settled();
  await client.close();
}

export const publishAfterResponse = config.TICKETS_PUBLISH_AFTER_RESPONSE === 'true';
