import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import {
  LocalEventBus,
  MAX_ENTRY_SIZE_BYTES,
  PartialDeliveryError,
  PutEventsValidationError,
  entrySize,
  sqsTarget,
  type EventRule,
  type EventTarget,
  type LocalEventBusOptions,
  type PutEventsRequestEntry,
  type SqsBatchSender,
} from './bus';
import { InvalidEventPatternError } from './pattern';

interface RecordingTarget extends EventTarget {
  batches: string[][];
  events(): Record<string, unknown>[];
}

function recordingTarget(id = 'target-1', behaviour: (events: string[], call: number) => void = () => undefined): RecordingTarget {
  const batches: string[][] = [];
  return {
    id,
    batches,
    deliver(events) {
      batches.push(events);
      try {
        behaviour(events, batches.length);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    events: () => batches.flat().map((event) => JSON.parse(event) as Record<string, unknown>),
  };
}

function rule(targets: EventTarget[], overrides: Partial<EventRule> = {}): EventRule {
  return {
    name: 'ticket-created',
    eventBusName: 'default',
    pattern: { source: ['cogdesk.tickets'], 'detail-type': ['ticket.created.v1'] },
    targets,
    ...overrides,
  };
}

function entry(overrides: PutEventsRequestEntry = {}): PutEventsRequestEntry {
  return { Source: 'cogdesk.tickets', DetailType: 'ticket.created.v1', Detail: '{"ticketId":"t-1"}', ...overrides };
}

function busWith(targets: EventTarget[], options: LocalEventBusOptions = {}) {
  const logger = { error: vi.fn() };
  const bus = new LocalEventBus({ logger, retry: { attempts: 3, baseDelayMs: 0 }, rules: [rule(targets)], ...options });
  return { bus, logger };
}

describe('LocalEventBus.putEvents', () => {
  it('returns one EventId per entry, in entry order', async () => {
    const { bus } = busWith([recordingTarget()]);
    const result = await bus.putEvents([entry(), entry({ Source: 'cogdesk.other' })]);
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(2);
    const ids = result.Entries.map((e) => ('EventId' in e ? e.EventId : undefined));
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  });

  it('delivers the full EventBridge event JSON, in the shape AWS gives targets', async () => {
    const target = recordingTarget();
    const { bus } = busWith([target], { accountId: '123456789012', region: 'eu-west-1' });
    const result = await bus.putEvents([
      entry({ Time: new Date('2026-11-25T10:00:00.123Z'), Resources: ['arn:aws:s3:::bucket'], Detail: '{"a":{"b":[1,2]}}' }),
    ]);
    await bus.drain();

    const [event] = target.events();
    expect(Object.keys(event!)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(event).toEqual({
      version: '0',
      id: (result.Entries[0] as { EventId: string }).EventId,
      'detail-type': 'ticket.created.v1',
      source: 'cogdesk.tickets',
      account: '123456789012',
      time: '2026-11-25T10:00:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:s3:::bucket'],
      detail: { a: { b: [1, 2] } },
    });
  });

  it('stamps events without Time with the current time, in whole seconds', async () => {
    const target = recordingTarget();
    const { bus } = busWith([target]);
    const before = Math.floor(Date.now() / 1000) * 1000;
    await bus.putEvents([entry()]);
    await bus.drain();
    const time = target.events()[0]!.time as string;
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
  });

  it('routes only matching events, and only to rules on the entry’s bus', async () => {
    const onDefault = recordingTarget('on-default');
    const onCogdesk = recordingTarget('on-cogdesk');
    const bus = new LocalEventBus({
      buses: ['cogdesk'],
      rules: [rule([onDefault]), rule([onCogdesk], { eventBusName: 'cogdesk' })],
    });
    await bus.putEvents([
      entry({ Detail: '{"n":1}' }),
      entry({ DetailType: 'ticket.deleted.v1', Detail: '{"n":2}' }),
      entry({ EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/cogdesk', Detail: '{"n":3}' }),
    ]);
    await bus.drain();
    expect(onDefault.events().map((e) => e.detail)).toEqual([{ n: 1 }]);
    expect(onCogdesk.events().map((e) => e.detail)).toEqual([{ n: 3 }]);
    expect(bus.stats()).toMatchObject({ put: 3, matched: 2, delivered: 2, failed: 0 });
  });

  it.each<[string, PutEventsRequestEntry, string, RegExp]>([
    ['Source is missing', entry({ Source: undefined }), 'InvalidArgument', /Source/],
    ['Source is empty', entry({ Source: '' }), 'InvalidArgument', /Source/],
    ['DetailType is missing', entry({ DetailType: undefined }), 'InvalidArgument', /DetailType/],
    ['Detail is missing', entry({ Detail: undefined }), 'InvalidArgument', /Detail/],
    ['Detail is not JSON', entry({ Detail: '{not json' }), 'MalformedDetail', /malformed/],
    ['Detail is a JSON array', entry({ Detail: '[1,2]' }), 'MalformedDetail', /malformed/],
    ['Detail is a JSON string', entry({ Detail: '"text"' }), 'MalformedDetail', /malformed/],
    ['Detail is JSON null', entry({ Detail: 'null' }), 'MalformedDetail', /malformed/],
    ['Time is not a valid date', entry({ Time: new Date('nope') }), 'InvalidArgument', /Time/],
    ['EventBusName names no bus', entry({ EventBusName: 'nowhere' }), 'ResourceNotFoundException', /nowhere/],
  ])('reports an entry as failed when %s', async (_name, bad, code, message) => {
    const target = recordingTarget();
    const { bus } = busWith([target]);
    const result = await bus.putEvents([entry(), bad, entry()]);
    await bus.drain();

    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries[0]).toHaveProperty('EventId');
    expect(result.Entries[1]).toEqual({ ErrorCode: code, ErrorMessage: expect.stringMatching(message) as string });
    expect(result.Entries[2]).toHaveProperty('EventId');
    expect(target.events()).toHaveLength(2);
    expect(bus.stats()).toMatchObject({ put: 2, rejected: 1 });
  });

  it('measures entries as AWS documents and accepts exactly 256 KB', async () => {
    const { bus } = busWith([recordingTarget()]);
    // 14 (Time) + 1 (Source) + 1 (DetailType) + 1 (resource) + 8 for {"x":""} = 25 bytes around the padding.
    const sized = (padding: number): PutEventsRequestEntry => ({
      Time: new Date(),
      Source: 's',
      DetailType: 'd',
      Resources: ['r'],
      Detail: JSON.stringify({ x: 'y'.repeat(padding) }),
    });
    expect(entrySize(sized(MAX_ENTRY_SIZE_BYTES - 25))).toBe(MAX_ENTRY_SIZE_BYTES);

    const result = await bus.putEvents([sized(MAX_ENTRY_SIZE_BYTES - 25), sized(MAX_ENTRY_SIZE_BYTES - 24)]);
    expect(result.Entries[0]).toHaveProperty('EventId');
    expect(result.Entries[1]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringMatching(/262145 bytes/) as string });
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(entrySize({ Source: 'é', DetailType: '€', Detail: '{}' })).toBe(2 + 3 + 2);
  });

  it.each([[0], [11]])('rejects a call with %i entries as a whole', async (count) => {
    const { bus } = busWith([recordingTarget()]);
    await expect(bus.putEvents(Array.from({ length: count }, () => entry()))).rejects.toThrow(PutEventsValidationError);
    expect(bus.stats()).toMatchObject({ put: 0, rejected: 0 });
  });
});

describe('LocalEventBus batching', () => {
  it('hands the events of one call that go to the same target to deliver together, in entry order', async () => {
    const target = recordingTarget();
    const { bus } = busWith([target]);
    await bus.putEvents([entry({ Detail: '{"n":1}' }), entry({ Source: 'elsewhere' }), entry({ Detail: '{"n":2}' }), entry({ Detail: '{"n":3}' })]);
    await bus.putEvents([entry({ Detail: '{"n":4}' })]);
    await bus.drain();
    expect(target.batches.map((batch) => batch.map((e) => (JSON.parse(e) as { detail: { n: number } }).detail.n))).toEqual([[1, 2, 3], [4]]);
  });

  it('gives every target of every matching rule its own batch', async () => {
    const [a, b, c] = [recordingTarget('a'), recordingTarget('b'), recordingTarget('c')];
    const bus = new LocalEventBus({
      rules: [rule([a, b]), rule([c], { name: 'all-tickets', pattern: { source: [{ prefix: 'cogdesk.' }] } })],
    });
    await bus.putEvents([entry(), entry()]);
    await bus.drain();
    expect([a, b, c].map((t) => t.batches.map((batch) => batch.length))).toEqual([[2], [2], [2]]);
    expect(bus.stats()).toMatchObject({ matched: 4, delivered: 6 });
  });
});

describe('LocalEventBus delivery retries', () => {
  it('retries a failing delivery and succeeds without logging', async () => {
    const flaky = recordingTarget('flaky', (_events, call) => {
      if (call < 3) throw new Error(`boom ${call}`);
    });
    const { bus, logger } = busWith([flaky]);
    await bus.putEvents([entry()]);
    await bus.drain();
    expect(flaky.batches).toHaveLength(3);
    expect(bus.stats()).toMatchObject({ delivered: 1, failed: 0 });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('gives up after the configured attempts and logs the rule, target and event ids loudly', async () => {
    const broken = recordingTarget('broken', () => {
      throw new Error('queue is gone');
    });
    const { bus, logger } = busWith([broken], { retry: { attempts: 4, baseDelayMs: 0 } });
    const result = await bus.putEvents([entry(), entry()]);
    await bus.drain();

    expect(broken.batches).toHaveLength(4);
    expect(bus.stats()).toMatchObject({ delivered: 0, failed: 2 });
    expect(logger.error).toHaveBeenCalledTimes(1);
    const [message, cause] = logger.error.mock.calls[0] as [string, Error];
    expect(message).toMatch(/DELIVERY FAILED.*ticket-created.*broken.*4 attempt/);
    for (const result_ of result.Entries) expect(message).toContain((result_ as { EventId: string }).EventId);
    expect(cause.message).toBe('queue is gone');
  });

  it('retries only the events a target reports as not delivered', async () => {
    const partial = recordingTarget('partial', (events, call) => {
      if (call === 1) throw new PartialDeliveryError([events[1]!], 'one refused');
    });
    const { bus } = busWith([partial]);
    await bus.putEvents([entry({ Detail: '{"n":1}' }), entry({ Detail: '{"n":2}' }), entry({ Detail: '{"n":3}' })]);
    await bus.drain();
    expect(partial.batches.map((batch) => batch.length)).toEqual([3, 1]);
    expect(partial.batches[1]).toEqual([partial.batches[0]![1]]);
    expect(bus.stats()).toMatchObject({ delivered: 3, failed: 0 });
  });

  it('waits with growing backoff between attempts', async () => {
    const times: number[] = [];
    const slow = recordingTarget('slow', () => {
      times.push(Date.now());
      throw new Error('still down');
    });
    const { bus } = busWith([slow], { retry: { attempts: 3, baseDelayMs: 40, maxDelayMs: 1_000 } });
    await bus.putEvents([entry()]);
    await bus.drain();
    const [first, second, third] = times as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(35);
    expect(third - second).toBeGreaterThanOrEqual(75);
  });
});

describe('LocalEventBus fault injection (rejectEntry)', () => {
  it('reports the chosen entries as failed with the injected error and does not deliver them', async () => {
    const target = recordingTarget();
    const seen: PutEventsRequestEntry[] = [];
    const { bus } = busWith([target], {
      rejectEntry: (e) => {
        seen.push(e);
        return e.Detail?.includes('"throttle"') ? { code: 'ThrottlingException', message: 'Rate exceeded' } : undefined;
      },
    });
    const result = await bus.putEvents([entry({ Detail: '{"throttle":true}' }), entry()]);
    await bus.drain();

    expect(result).toEqual({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }, { EventId: expect.any(String) as string }],
    });
    expect(seen).toHaveLength(2);
    expect(target.events()).toHaveLength(1);
  });
});

describe('LocalEventBus rules', () => {
  it('rejects a rule with a malformed pattern like PutRule does', () => {
    const bus = new LocalEventBus();
    expect(() => bus.addRule(rule([], { pattern: { source: 'cogdesk.tickets' } }))).toThrow(InvalidEventPatternError);
  });

  it('rejects rules on unknown buses and duplicate names on one bus', () => {
    const bus = new LocalEventBus({ buses: ['cogdesk'] });
    bus.addRule(rule([]));
    expect(() => bus.addRule(rule([]))).toThrow(/already exists/);
    expect(() => bus.addRule(rule([], { eventBusName: 'nowhere' }))).toThrow(/does not exist/);
    expect(() => bus.addRule(rule([], { eventBusName: 'cogdesk' }))).not.toThrow();
  });

  it('lists and describes rules per bus, with ARNs', () => {
    const bus = new LocalEventBus({ buses: ['cogdesk'], accountId: '123456789012', region: 'eu-west-1' });
    bus.addRule(rule([], { name: 'tickets-a' }));
    bus.addRule(rule([], { name: 'other' }));
    bus.addRule(rule([], { name: 'tickets-b', eventBusName: 'cogdesk' }));

    expect(bus.listRules('default', 'tickets').map((r) => r.name)).toEqual(['tickets-a']);
    expect(bus.listRules('cogdesk').map((r) => r.name)).toEqual(['tickets-b']);
    const described = bus.describeRule('tickets-b', 'cogdesk')!;
    expect(bus.ruleArn(described)).toBe('arn:aws:events:eu-west-1:123456789012:rule/cogdesk/tickets-b');
    expect(bus.ruleArn(bus.describeRule('other')!)).toBe('arn:aws:events:eu-west-1:123456789012:rule/other');
    expect(bus.describeRule('tickets-b')).toBeUndefined();
  });
});

const QUEUE_URL = 'http://127.0.0.1:1/000000000000/events';

/** Stands in for SQSClient: records each batch and fails the bodies `refuse` picks. */
function fakeSqs(refuse: (body: string, call: number) => 'refuse' | 'throw' | undefined = () => undefined) {
  const batches: string[][] = [];
  const sender: SqsBatchSender = {
    send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
      const { QueueUrl, Entries = [] } = command.input;
      expect(QueueUrl).toBe(QUEUE_URL);
      batches.push(Entries.map((e) => e.MessageBody!));
      const verdicts = Entries.map((e) => refuse(e.MessageBody!, batches.length));
      if (verdicts.includes('throw')) return Promise.reject(new Error('connection reset'));
      return Promise.resolve({
        $metadata: {},
        Successful: Entries.filter((_, i) => verdicts[i] === undefined).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: '' })),
        Failed: Entries.filter((_, i) => verdicts[i] === 'refuse').map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' })),
      });
    },
  };
  return { sender, batches };
}

const events = (count: number) => Array.from({ length: count }, (_, i) => `{"id":"e-${i}"}`);

describe('sqsTarget', () => {
  it('sends events with SendMessageBatch, ten per call', async () => {
    const sqs = fakeSqs();
    await sqsTarget(sqs.sender, QUEUE_URL).deliver(events(25));
    expect(sqs.batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(sqs.batches.flat()).toEqual(events(25));
  });

  it('reports exactly the refused entries as not delivered', async () => {
    const sqs = fakeSqs((body) => (body === '{"id":"e-3"}' || body === '{"id":"e-12"}' ? 'refuse' : undefined));
    const delivery = sqsTarget(sqs.sender, QUEUE_URL).deliver(events(15));
    await expect(delivery).rejects.toBeInstanceOf(PartialDeliveryError);
    await expect(delivery).rejects.toMatchObject({
      failedEvents: ['{"id":"e-3"}', '{"id":"e-12"}'],
      message: expect.stringMatching(/2 of 15 .*InternalError: try again/) as string,
    });
  });

  it('reports a whole chunk as not delivered when its call fails', async () => {
    const sqs = fakeSqs((body) => (body === '{"id":"e-11"}' ? 'throw' : undefined));
    const delivery = sqsTarget(sqs.sender, QUEUE_URL).deliver(events(12));
    await expect(delivery).rejects.toMatchObject({ failedEvents: events(12).slice(10), message: expect.stringMatching(/connection reset/) as string });
  });

  it('lets the bus retry only the failed entries', async () => {
    const sqs = fakeSqs((body, call) => (call === 1 && body.includes('"detail":{"n":2}') ? 'refuse' : undefined));
    const target = sqsTarget(sqs.sender, QUEUE_URL, 'events-queue');
    const bus = new LocalEventBus({
      logger: { error: vi.fn() },
      retry: { baseDelayMs: 0 },
      rules: [{ name: 'all', eventBusName: 'default', pattern: { source: ['app'] }, targets: [target] }],
    });
    await bus.putEvents([1, 2, 3].map((n) => ({ Source: 'app', DetailType: 't', Detail: `{"n":${n}}` })));
    await bus.drain();

    const details = sqs.batches.map((batch) => batch.map((e) => (JSON.parse(e) as { detail: unknown }).detail));
    expect(details).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }], [{ n: 2 }]]);
    expect(bus.stats()).toMatchObject({ delivered: 3, failed: 0 });
  });
});
