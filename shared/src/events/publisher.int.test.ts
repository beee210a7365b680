import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anEvent, validateEnvelopeShape } from '../testing/events';
import { RecordingLogger } from '../testing/recording-logger';
import type { EventEnvelope } from './envelope';
import { createEventPublisher, EventPublishError } from './publisher';

interface ReceivedEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
}

/**
 * A stand-in for the EventBridge PutEvents endpoint: `failures(eventId, attempt)` names the ErrorCode for an
 * entry, where attempt counts the times that event has been received. It records what it accepted.
 */
class FakePutEventsEndpoint {
  readonly requests: string[][] = [];
  readonly accepted: ReceivedEntry[] = [];
  readonly targets: string[] = [];
  failures: (eventId: string, attempt: number) => string | undefined = () => undefined;
  readonly #attempts = new Map<string, number>();
  readonly #server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      this.targets.push(String(request.headers['x-amz-target']));
      const { Entries } = JSON.parse(body) as { Entries: ReceivedEntry[] };
      this.requests.push(Entries.map((entry) => this.#idOf(entry)));
      const results = Entries.map((entry) => {
        const id = this.#idOf(entry);
        const attempt = (this.#attempts.get(id) ?? 0) + 1;
        this.#attempts.set(id, attempt);
        const errorCode = this.failures(id, attempt);
        if (errorCode) return { ErrorCode: errorCode, ErrorMessage: `${errorCode} (attempt ${attempt})` };
        this.accepted.push(entry);
        return { EventId: `eb-${id}` };
      });
      response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  reset(): void {
    this.requests.length = 0;
    this.accepted.length = 0;
    this.#attempts.clear();
    this.failures = () => undefined;
  }

  #idOf(entry: ReceivedEntry): string {
    return (JSON.parse(entry.Detail) as EventEnvelope).id;
  }
}

describe('createEventPublisher through the AWS SDK', () => {
  const endpoint = new FakePutEventsEndpoint();
  let client: EventBridgeClient;

  beforeAll(async () => {
    client = new EventBridgeClient({
      endpoint: await endpoint.start(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.stop();
  });
  beforeEach(() => endpoint.reset());

  const publisher = () =>
    createEventPublisher({
      client,
      eventBusName: 'cogdesk',
      validate: validateEnvelopeShape,
      logger: new RecordingLogger(),
      maxAttempts: 3,
      baseDelayMs: 5,
    });

  it('re-sends only the entries that failed, until every event is accepted exactly once', async () => {
    const events = Array.from({ length: 5 }, () => anEvent());
    const ids = events.map((event) => event.id);
    const failing = new Set([ids[1], ids[3]]);
    endpoint.failures = (id, attempt) => (attempt === 1 && failing.has(id) ? 'ThrottlingException' : undefined);

    await publisher().publish(events);

    expect(endpoint.requests).toEqual([ids, [ids[1], ids[3]]]);
    expect(endpoint.accepted.map((entry) => JSON.parse(entry.Detail) as EventEnvelope).map((event) => event.id).sort()).toEqual(
      [...ids].sort(),
    );
    expect(endpoint.targets.every((target) => target === 'AWSEvents.PutEvents')).toBe(true);
  });

  it('sends the envelope whole, with its source, versioned detail-type and bus', async () => {
    const event = anEvent({ type: 'ticket.escalated', version: 3, source: 'cogdesk.escalation' });

    await publisher().publish([event]);

    expect(endpoint.accepted).toEqual([
      expect.objectContaining({
        Source: 'cogdesk.escalation',
        DetailType: 'ticket.escalated.v3',
        EventBusName: 'cogdesk',
        Detail: JSON.stringify(event),
      }),
    ]);
  });

  it('ends in EventPublishError naming an entry that keeps failing, after publishing the others', async () => {
    const events = Array.from({ length: 3 }, () => anEvent());
    const stuck = events[2]!.id;
    endpoint.failures = (id) => (id === stuck ? 'InternalFailure' : undefined);

    const error = await publisher().publish(events).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).unpublished).toEqual([
      { eventId: stuck, errorCode: 'InternalFailure', errorMessage: 'InternalFailure (attempt 3)' },
    ]);
    expect(endpoint.requests.filter((request) => request.includes(stuck))).toHaveLength(3);
    expect(endpoint.accepted).toHaveLength(2);
  });
});
