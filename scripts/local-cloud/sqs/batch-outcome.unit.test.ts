import { describe, expect, it } from 'vitest';
import { judgeBatch } from './batch-outcome';

const ids = ['m1', 'm2', 'm3'];
const resolved = (response: unknown) => ({ kind: 'resolved', response }) as const;

describe('judgeBatch', () => {
  it('fails the whole batch when the handler threw or timed out', () => {
    const threw = judgeBatch({ kind: 'threw', error: new TypeError('boom') }, ids, true);
    expect([...threw.retry]).toEqual(ids);
    expect(threw.reason).toBe('handler threw: TypeError: boom');

    const timedOut = judgeBatch({ kind: 'timedOut', timeoutMs: 200 }, ids, false);
    expect([...timedOut.retry]).toEqual(ids);
    expect(timedOut.reason).toBe('Task timed out after 0.20 seconds');
  });

  it.each([undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }])(
    'treats %j as complete success',
    (response) => {
      expect(judgeBatch(resolved(response), ids, true)).toEqual({ retry: new Set() });
    },
  );

  it('retries only the reported items under ReportBatchItemFailures', () => {
    const verdict = judgeBatch(resolved({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), ids, true);
    expect(verdict).toEqual({ retry: new Set(['m2']) });
  });

  it('ignores batchItemFailures without ReportBatchItemFailures', () => {
    const verdict = judgeBatch(resolved({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), ids, false);
    expect(verdict).toEqual({ retry: new Set() });
  });

  it.each([
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'other' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null id', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misnamed key', { batchItemFailures: [{ itemId: 'm2' }] }],
    ['a non-array list', { batchItemFailures: 'm2' }],
    ['a non-object response', 'm2'],
  ])('fails the whole batch for %s', (_case, response) => {
    const verdict = judgeBatch(resolved(response), ids, true);
    expect([...verdict.retry]).toEqual(ids);
    expect(verdict.reason).toMatch(/batch/);
  });
});
