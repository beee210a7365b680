/**
 * LocalEventBus: the in-process stand-in for EventBridge buses and rules. `putEvents` mirrors the PutEvents
 * API (per-entry results in entry order); matching events are delivered to rule targets asynchronously,
 * batched per target and call, retried with backoff, and logged with their event ids when delivery gives up.
 *
 * @example
 *   const bus = new LocalEventBus({ rules: [{ name: 'r', eventBusName: 'default', pattern: { source: ['app'] }, targets: [target] }] });
 *   await bus.putEvents([{ Source: 'app', DetailType: 'thing.happened.v1', Detail: '{}' }]); // { FailedEntryCount: 0, Entries: [{ EventId }] }
 *   await bus.drain();
 */
import { SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileEventPattern, type CompiledEventPattern, type EventPattern } from './pattern';

export const DEFAULT_EVENT_BUS = 'default';
export const MAX_ENTRIES_PER_PUT = 10;
/** 256 KB, measured as "Calculating Amazon EventBridge PutEvents event entry size" describes. */
export const MAX_ENTRY_SIZE_BYTES = 256 * 1024;

/** The PutEvents request entry, as the AWS SDK shapes it. */
export interface PutEventsRequestEntry {
  Source?: string | undefined;
  DetailType?: string | undefined;
  Detail?: string | undefined;
  EventBusName?: string | undefined;
  Resources?: string[] | undefined;
  Time?: Date | undefined;
  TraceHeader?: string | undefined;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export interface EventTarget {
  id: string;
  /** Receives full EventBridge event JSON strings; reject (or throw PartialDeliveryError) to have them retried. */
  deliver(events: string[]): Promise<void>;
}

export interface EventRule {
  name: string;
  eventBusName: string;
  pattern: EventPattern | string;
  targets: EventTarget[];
}

export interface DeliveryRetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface EventBusLogger {
  error(message: string, ...details: unknown[]): void;
}

export interface LocalEventBusOptions {
  /** Buses besides `default`. */
  buses?: string[];
  rules?: EventRule[];
  accountId?: string;
  region?: string;
  retry?: Partial<DeliveryRetryPolicy>;
  logger?: EventBusLogger;
  /** Fault injection for tests: a returned error makes PutEvents report that (valid) entry as failed. */
  rejectEntry?: (entry: PutEventsRequestEntry) => { code: string; message: string } | undefined;
}

export interface EventBusStats {
  /** Entries accepted by putEvents. */
  put: number;
  /** Entries putEvents reported as failed. */
  rejected: number;
  /** (event, rule) matches. */
  matched: number;
  /** (event, target) deliveries that succeeded. */
  delivered: number;
  /** (event, target) deliveries given up after the last retry. */
  failed: number;
}

/** A request-level PutEvents error (AWS answers ValidationException), as opposed to a per-entry one. */
export class PutEventsValidationError extends Error {
  override readonly name = 'PutEventsValidationError';
}

/** Thrown by a target that delivered only some events, so that only the rest are retried. */
export class PartialDeliveryError extends Error {
  override readonly name = 'PartialDeliveryError';

  constructor(
    readonly failedEvents: string[],
    message: string,
  ) {
    super(message);
  }
}

interface RegisteredRule extends EventRule {
  matches: CompiledEventPattern;
}

interface AcceptedEvent {
  id: string;
  busName: string;
  event: Record<string, unknown>;
  json: string;
}

const DEFAULT_RETRY: DeliveryRetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

export class LocalEventBus {
  readonly accountId: string;
  readonly region: string;
  private readonly busNames: Set<string>;
  private readonly rules: RegisteredRule[] = [];
  private readonly retry: DeliveryRetryPolicy;
  private readonly logger: EventBusLogger;
  private readonly rejectEntry: LocalEventBusOptions['rejectEntry'];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly counters: EventBusStats = { put: 0, rejected: 0, matched: 0, delivered: 0, failed: 0 };

  constructor(options: LocalEventBusOptions = {}) {
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.busNames = new Set([DEFAULT_EVENT_BUS, ...(options.buses ?? [])]);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? console;
    this.rejectEntry = options.rejectEntry;
    for (const rule of options.rules ?? []) this.addRule(rule);
  }

  addEventBus(name: string): void {
    this.busNames.add(name);
  }

  /** Throws InvalidEventPatternError for a malformed pattern, like PutRule. */
  addRule(rule: EventRule): void {
    const busName = busNameOf(rule.eventBusName);
    if (!this.busNames.has(busName)) throw new Error(`Event bus ${busName} does not exist.`);
    if (this.describeRule(rule.name, busName)) throw new Error(`Rule ${rule.name} already exists on event bus ${busName}.`);
    this.rules.push({ ...rule, eventBusName: busName, matches: compileEventPattern(rule.pattern) });
  }

  listRules(eventBusName = DEFAULT_EVENT_BUS, namePrefix = ''): EventRule[] {
    const busName = busNameOf(eventBusName);
    return this.rules.filter((rule) => rule.eventBusName === busName && rule.name.startsWith(namePrefix));
  }

  describeRule(name: string, eventBusName = DEFAULT_EVENT_BUS): EventRule | undefined {
    const busName = busNameOf(eventBusName);
    return this.rules.find((rule) => rule.eventBusName === busName && rule.name === name);
  }

  ruleArn(rule: EventRule): string {
    const busPath = rule.eventBusName === DEFAULT_EVENT_BUS ? '' : `${rule.eventBusName}/`;
    return `arn:aws:events:${this.region}:${this.accountId}:rule/${busPath}${rule.name}`;
  }

  /**
   * Ingests entries like PutEvents and starts delivering the matching events; await `drain()` to wait for
   * deliveries. Rejects with PutEventsValidationError when the request as a whole is invalid.
   */
  putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
    // The executor turns a thrown validation error into a rejection, as an API call would fail.
    return new Promise((resolve) => resolve(this.ingest(entries)));
  }

  stats(): EventBusStats {
    return { ...this.counters };
  }

  /** Resolves once every delivery started so far has succeeded or been given up. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private ingest(entries: readonly PutEventsRequestEntry[]): PutEventsResult {
    if (entries.length === 0 || entries.length > MAX_ENTRIES_PER_PUT) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES_PER_PUT} (got ${entries.length})`,
      );
    }
    const accepted: AcceptedEvent[] = [];
    const results = entries.map((entry): PutEventsResultEntry => {
      const outcome = this.accept(entry);
      if ('ErrorCode' in outcome) {
        this.counters.rejected++;
        return outcome;
      }
      this.counters.put++;
      accepted.push(outcome);
      return { EventId: outcome.id };
    });
    this.route(accepted);
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private accept(entry: PutEventsRequestEntry): AcceptedEvent | { ErrorCode: string; ErrorMessage: string } {
    const missing = (['Source', 'DetailType', 'Detail'] as const).filter((field) => !entry[field]);
    if (missing.length > 0) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} must be specified.` };
    }
    const detail = parseDetail(entry.Detail!);
    if (detail === undefined) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const size = entrySize(entry);
    if (size > MAX_ENTRY_SIZE_BYTES) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Entry size ${size} bytes exceeds the PutEvents limit of ${MAX_ENTRY_SIZE_BYTES} bytes.`,
      };
    }
    if (entry.Time && Number.isNaN(entry.Time.getTime())) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not a valid timestamp.' };
    }
    const busName = busNameOf(entry.EventBusName ?? DEFAULT_EVENT_BUS);
    if (!this.busNames.has(busName)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    const injected = this.rejectEntry?.(entry);
    if (injected) return { ErrorCode: injected.code, ErrorMessage: injected.message };

    // The shape and key order EventBridge uses for the events it hands to targets.
    const id = randomUUID();
    const event = {
      version: '0',
      id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.accountId,
      time: toEventTime(entry.Time ?? new Date()),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    };
    return { id, busName, event, json: JSON.stringify(event) };
  }

  /** Groups the call's events per (rule, target) so each target gets one batch. */
  private route(accepted: readonly AcceptedEvent[]): void {
    for (const rule of this.rules) {
      const batch = accepted.filter(({ busName, event }) => busName === rule.eventBusName && rule.matches(event));
      if (batch.length === 0) continue;
      this.counters.matched += batch.length;
      const events = batch.map(({ json }) => json);
      for (const target of rule.targets) this.track(this.deliver(rule.name, target, events));
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(ruleName: string, target: EventTarget, events: string[]): Promise<void> {
    let pending = events;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      try {
        await target.deliver(pending);
        this.counters.delivered += pending.length;
        return;
      } catch (error) {
        lastError = error;
        if (error instanceof PartialDeliveryError) {
          this.counters.delivered += pending.length - error.failedEvents.length;
          pending = error.failedEvents;
          if (pending.length === 0) return;
        }
      }
      if (attempt < this.retry.attempts) await sleep(this.backoff(attempt));
    }
    this.counters.failed += pending.length;
    this.logger.error(
      `[local-eventbridge] DELIVERY FAILED: gave up on ${pending.length} event(s) for rule "${ruleName}" ` +
        `→ target "${target.id}" after ${this.retry.attempts} attempt(s); event ids: ${pending.map(eventIdOf).join(', ')}`,
      lastError,
    );
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
  }
}

/** The one SQS call a target needs; an SQSClient fits. */
export interface SqsBatchSender {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

const SQS_BATCH_LIMIT = 10;

/**
 * An EventTarget that sends each event as one SQS message with SendMessageBatch, ten per call (the SQS limit).
 * Entries SQS refuses, and chunks whose call fails, are thrown back as a PartialDeliveryError so that the bus
 * retries only those.
 *
 * @example
 *   const target = sqsTarget(new SQSClient({}), 'http://127.0.0.1:4566/000000000000/tickets-events');
 */
export function sqsTarget(sqs: SqsBatchSender, queueUrl: string, id = `sqs:${queueUrl}`): EventTarget {
  return {
    id,
    async deliver(events) {
      const chunks: string[][] = [];
      for (let start = 0; start < events.length; start += SQS_BATCH_LIMIT) {
        chunks.push(events.slice(start, start + SQS_BATCH_LIMIT));
      }
      const outcomes = await Promise.all(chunks.map((chunk) => sendChunk(sqs, queueUrl, chunk)));
      const failed = outcomes.flatMap((outcome) => outcome.failed);
      if (failed.length > 0) {
        const reasons = [...new Set(outcomes.flatMap((outcome) => outcome.reasons))];
        throw new PartialDeliveryError(
          failed,
          `SQS did not accept ${failed.length} of ${events.length} message(s) for ${queueUrl}: ${reasons.join('; ')}`,
        );
      }
    },
  };
}

async function sendChunk(
  sqs: SqsBatchSender,
  queueUrl: string,
  chunk: string[],
): Promise<{ failed: string[]; reasons: string[] }> {
  try {
    const output = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    const failures = output.Failed ?? [];
    return {
      failed: failures.map((failure) => chunk[Number(failure.Id)]!),
      reasons: failures.map((failure) => `${failure.Code ?? 'Error'}: ${failure.Message ?? 'no message'}`),
    };
  } catch (error) {
    return { failed: chunk, reasons: [error instanceof Error ? error.message : String(error)] };
  }
}

/** Buses are named or given by ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`). */
function busNameOf(nameOrArn: string): string {
  const marker = ':event-bus/';
  const at = nameOrArn.startsWith('arn:') ? nameOrArn.indexOf(marker) : -1;
  return at === -1 ? nameOrArn : nameOrArn.slice(at + marker.length);
}

/** Detail must be a JSON object; anything else is MalformedDetail. */
function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Time counts 14 bytes when given; Source, DetailType, Detail and each resource count their UTF-8 bytes. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** EventBridge event times have whole seconds: 2017-12-22T18:43:48Z. */
function toEventTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function eventIdOf(json: string): string {
  return String((JSON.parse(json) as { id: unknown }).id);
}
