import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../testing/events';
import { RecordingLogger } from '../testing/recording-logger';
import { createLogger, withEventContext } from './logger';
import { createMetrics } from './metrics';
import { createTracer } from './tracer';

/** Collects what is written to stdout while `run` runs, as lines. */
function stdoutOf(run: () => void): string[] {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return lines;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('withEventContext', () => {
  it('makes a Powertools logger write the event id, correlation and causation ids on every entry', () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const event = anEvent({ causationId: 'e-0' });

    const [line] = stdoutOf(() => withEventContext(createLogger('tickets'), event).info('Ticket projected'));

    expect(JSON.parse(line!)).toMatchObject({
      message: 'Ticket projected',
      service: 'tickets',
      eventId: event.id,
      eventType: 'ticket.created.v1',
      subject: event.subject,
      correlationId: event.correlationId,
      causationId: 'e-0',
    });
  });

  it('leaves the parent logger without the event keys', () => {
    const parent = new RecordingLogger();

    withEventContext(parent, anEvent()).info('child');
    parent.info('parent');

    expect(parent.entries.map((entry) => Object.keys(entry.attributes).length)).toEqual([5, 0]);
  });
});

describe('createTracer', () => {
  it('is disabled outside Lambda and leaves clients and annotations harmless', () => {
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    const tracer = createTracer('tickets');
    const client = new DynamoDBClient({ region: 'us-east-1' });

    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.captureAWSv3Client(client)).toBe(client);
    expect(() => tracer.putAnnotation('ticketId', 't-1')).not.toThrow();
    client.destroy();
  });
});

describe('createMetrics', () => {
  it('emits Embedded Metric Format with the namespace and service', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = createMetrics('Cogdesk', 'triage');

    const lines = stdoutOf(() => metrics.addMetric('TicketsTriaged', MetricUnit.Count, 1).publishStoredMetrics());

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      service: 'triage',
      TicketsTriaged: 1,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Cogdesk' }] },
    });
  });

  it('prints nothing when disabled', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const metrics = createMetrics('Cogdesk', 'triage');

    expect(stdoutOf(() => metrics.addMetric('TicketsTriaged', MetricUnit.Count, 1).publishStoredMetrics())).toEqual([]);
  });
});
