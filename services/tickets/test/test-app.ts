/** The tickets app on a test MongoDB, with a PutEvents client that records what was published. */
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { validateEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { tokenVerifierFromEnv } from '@cogdesk/shared/http/auth-config';
import { createLocalTokenIssuer, type Role } from '@cogdesk/shared/http/tokens';
import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import type { Db } from 'mongodb';
import { createTicketsApp } from '../src/http/app';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { MongoIdempotencyStore } from '../src/store/idempotency-store';
import { MongoTicketStore } from '../src/store/mongo-ticket-store';

export const SECRET = 'a-test-secret-that-is-at-least-32-bytes';

export class RecordingEventBridge {
  readonly published: EventEnvelope[] = [];
  failNext = 0;
  /** While set, each PutEvents waits for it before answering (a slow or busy EventBridge). */
  hold: Promise<void> | undefined;

  async send(command: PutEventsCommand) {
    if (this.hold) await this.hold;
    const entries = command.input.Entries ?? [];
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('EventBridge is down'), { name: 'InternalException', $retryable: {} });
    }
    for (const entry of entries) this.published.push(JSON.parse(entry.Detail!) as EventEnvelope);
    return { $metadata: {}, FailedEntryCount: 0, Entries: entries.map((_, index) => ({ EventId: `e-${this.published.length}-${index}` })) };
  }
}

export async function buildTicketsApp(db: Db, options: { publishAfterResponse?: boolean } = {}) {
  const store = new MongoTicketStore(db);
  const idempotency = new MongoIdempotencyStore(db);
  await Promise.all([store.ensureIndexes(), idempotency.ensureIndexes()]);
  const eventBridge = new RecordingEventBridge();
  const logger = new RecordingLogger();
  const relay = new OutboxRelay(
    store,
    createEventPublisher({ client: eventBridge, eventBusName: 'cogdesk-test', validate: validateEvent, maxAttempts: 2, baseDelayMs: 1 }),
    logger,
  );
  const app = createTicketsApp({ store, idempotency, relay, logger, verifier: tokenVerifierFromEnv({ AUTH_LOCAL_SECRET: SECRET }), ...options });
  const issuer = createLocalTokenIssuer(SECRET);
  const tokens: Record<Role, string> = {
    admin: await issuer.issue({ sub: 'ada', roles: ['admin'] }),
    agent: await issuer.issue({ sub: 'grace', roles: ['agent'] }),
    viewer: await issuer.issue({ sub: 'linus', roles: ['viewer'] }),
  };
  const request = (method: string, path: string, options: { body?: unknown; raw?: string; role?: Role | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const role = options.role === undefined ? 'agent' : options.role;
    if (role) headers.authorization = `Bearer ${tokens[role]}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  return { app, store, relay, eventBridge, logger, request, tokens };
}
