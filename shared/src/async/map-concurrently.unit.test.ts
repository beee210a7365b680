import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapConcurrently } from './map-concurrently';

describe('mapConcurrently', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently([30, 10, 20, 5, 15], 2, async (ms) => {
      most = Math.max(most, ++inFlight);
      await sleep(ms);
      inFlight--;
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40, 10, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure and throws the first error once the work in flight has settled', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapConcurrently([1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('item 1 failed');
      await sleep(20);
      finished.push(item);
      return item;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    // Item 1 failed at once: item 2 was in flight and finished before the call threw; 3 and 4 never began.
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([2]);
  });

  it('answers an empty list with an empty list', async () => {
    expect(await mapConcurrently([], 4, () => Promise.reject(new Error('never called')))).toEqual([]);
  });
});
