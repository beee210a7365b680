import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isTransientAwsError } from './aws-retry';

const awsError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('isTransientAwsError', () => {
  it.each([
    ['throttling', awsError('ThrottlingException')],
    ['an internal failure', awsError('InternalException')],
    ['a 503', awsError('Whatever', { $metadata: { httpStatusCode: 503 } })],
    ['a 429', awsError('Whatever', { $metadata: { httpStatusCode: 429 } })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an error the SDK marks retryable', awsError('Whatever', { $retryable: { throttling: false } })],
  ])('retries %s', (_, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['a validation error', awsError('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['access denied', awsError('AccessDeniedException', { $metadata: { httpStatusCode: 403 } })],
    ['something that is not an Error', 'boom'],
  ])('does not retry %s', (_, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('waits a random time up to base·2^(attempt-1), capped', () => {
    for (let i = 0; i < 100; i++) {
      expect(backoffDelayMs(1, 100)).toBeLessThanOrEqual(100);
      expect(backoffDelayMs(4, 100)).toBeLessThanOrEqual(800);
      expect(backoffDelayMs(30, 100, 5000)).toBeLessThanOrEqual(5000);
      expect(backoffDelayMs(3, 100)).toBeGreaterThanOrEqual(0);
    }
  });
});
