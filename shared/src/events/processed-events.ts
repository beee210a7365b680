/**
 * - `claimed`: this worker may handle the event, then must `complete` or `release` it.
 * - `already-processed`: a worker handled it before; skip it.
 * - `in-progress`: another worker holds an unexpired claim; retry later (it may still fail).
 */
export type ClaimResult = 'claimed' | 'already-processed' | 'in-progress';

/**
 * Remembers which events a consumer has handled, so a duplicate delivery is skipped. A claim is taken
 * before handling and expires, so a worker that dies mid-way does not block the event forever.
 *
 * The claim is not atomic with the handler's side effects: if the worker dies after the effect but before
 * `complete`, the event is handled again once the claim expires. A service whose side effect must happen
 * exactly once also makes the effect itself conditional (e.g. a DynamoDB condition on the event id or
 * the aggregate version).
 *
 * @example
 *   if ((await store.claim(event.id)) === 'claimed') {
 *     try { await handle(event); await store.complete(event.id); }
 *     catch (error) { await store.release(event.id); throw error; }
 *   }
 */
export interface ProcessedEventStore {
  claim(eventId: string): Promise<ClaimResult>;
  /** Records the event as handled (kept for the store's retention period). */
  complete(eventId: string): Promise<void>;
  /** Drops an unfinished claim so a redelivery can take it at once; never undoes `complete`. */
  release(eventId: string): Promise<void>;
}

export interface ProcessedEventStoreTiming {
  /** How long a claim blocks other workers; at least the handler's timeout. Default 300. */
  inProgressTtlSeconds?: number;
  /** How long a handled event is remembered; longer than any redelivery or replay window. Default 7. */
  retentionDays?: number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

export const DEFAULT_IN_PROGRESS_TTL_SECONDS = 300;
export const DEFAULT_RETENTION_DAYS = 7;

interface Entry {
  status: 'in-progress' | 'completed';
  expiresAtMs: number;
}

/**
 * In-memory `ProcessedEventStore` with the same semantics as the DynamoDB one, for unit tests and
 * single-process use.
 *
 * @example
 *   const consumer = createEventConsumer({ handle, validate, processedEvents: new InMemoryProcessedEventStore() });
 */
export class InMemoryProcessedEventStore implements ProcessedEventStore {
  readonly #entries = new Map<string, Entry>();
  readonly #inProgressTtlMs: number;
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(timing: ProcessedEventStoreTiming = {}) {
    this.#inProgressTtlMs = (timing.inProgressTtlSeconds ?? DEFAULT_IN_PROGRESS_TTL_SECONDS) * 1000;
    this.#retentionMs = (timing.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000;
    this.#now = timing.now ?? Date.now;
  }

  claim(eventId: string): Promise<ClaimResult> {
    const now = this.#now();
    const entry = this.#entries.get(eventId);
    if (entry && entry.expiresAtMs > now) {
      return Promise.resolve(entry.status === 'completed' ? 'already-processed' : 'in-progress');
    }
    this.#entries.set(eventId, { status: 'in-progress', expiresAtMs: now + this.#inProgressTtlMs });
    return Promise.resolve('claimed');
  }

  complete(eventId: string): Promise<void> {
    this.#entries.set(eventId, { status: 'completed', expiresAtMs: this.#now() + this.#retentionMs });
    return Promise.resolve();
  }

  release(eventId: string): Promise<void> {
    if (this.#entries.get(eventId)?.status === 'in-progress') this.#entries.delete(eventId);
    return Promise.resolve();
  }
}
