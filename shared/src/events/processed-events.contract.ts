import { expect, it } from 'vitest';
import type { ProcessedEventStore, ProcessedEventStoreTiming } from './processed-events';

/** A test clock, in whole seconds so stores with second precision behave the same. */
export class TestClock {
  #nowMs = Date.UTC(2026, 10, 25, 10);
  readonly now = (): number => this.#nowMs;
  advanceSeconds(seconds: number): void {
    this.#nowMs += seconds * 1000;
  }
}

type StoreFactory = (timing: Required<ProcessedEventStoreTiming>) => ProcessedEventStore | Promise<ProcessedEventStore>;

/**
 * The behaviour every `ProcessedEventStore` shares; call it inside a `describe` with a factory for the
 * adapter under test. Each test uses fresh event ids, so one backing table can serve them all.
 */
export function processedEventStoreContract(createStore: StoreFactory): void {
  const setUp = async () => {
    const clock = new TestClock();
    const store = await createStore({ inProgressTtlSeconds: 60, retentionDays: 1, now: clock.now });
    return { clock, store, eventId: crypto.randomUUID() };
  };

  it('lets the first worker claim a new event', async () => {
    const { store, eventId } = await setUp();
    expect(await store.claim(eventId)).toBe('claimed');
  });

  it('reports an event claimed but not completed as in progress', async () => {
    const { store, eventId } = await setUp();
    await store.claim(eventId);
    expect(await store.claim(eventId)).toBe('in-progress');
  });

  it('reports a completed event as already processed', async () => {
    const { store, eventId } = await setUp();
    await store.claim(eventId);
    await store.complete(eventId);
    expect(await store.claim(eventId)).toBe('already-processed');
  });

  it('lets a released event be claimed again at once', async () => {
    const { store, eventId } = await setUp();
    await store.claim(eventId);
    await store.release(eventId);
    expect(await store.claim(eventId)).toBe('claimed');
  });

  it('does not let release undo a completion', async () => {
    const { store, eventId } = await setUp();
    await store.claim(eventId);
    await store.complete(eventId);
    await store.release(eventId);
    expect(await store.claim(eventId)).toBe('already-processed');
  });

  it('lets another worker take over a claim once it has expired', async () => {
    const { clock, store, eventId } = await setUp();
    await store.claim(eventId);
    clock.advanceSeconds(59);
    expect(await store.claim(eventId)).toBe('in-progress');
    clock.advanceSeconds(1);
    expect(await store.claim(eventId)).toBe('claimed');
  });

  it('remembers a completed event for the retention period', async () => {
    const { clock, store, eventId } = await setUp();
    await store.claim(eventId);
    await store.complete(eventId);
    clock.advanceSeconds(86_399);
    expect(await store.claim(eventId)).toBe('already-processed');
    clock.advanceSeconds(1);
    expect(await store.claim(eventId)).toBe('claimed');
  });
}
