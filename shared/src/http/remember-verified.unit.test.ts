import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { rememberVerified } from './tokens';

/** A stand-in signature check that counts how often it really ran. */
function countingVerifier(payloadOf: (token: string) => JWTPayload) {
  const calls: string[] = [];
  return {
    calls,
    verify: (token: string) => {
      calls.push(token);
      return Promise.resolve(payloadOf(token));
    },
  };
}

describe('rememberVerified', () => {
  const exp = 1_000; // seconds since the epoch
  it('verifies a token once and answers it from memory until it expires', async () => {
    let nowMs = 0;
    const inner = countingVerifier(() => ({ sub: 'u-1', exp }));
    const verify = rememberVerified(inner.verify, { now: () => nowMs });
    await verify('a');
    await verify('a');
    expect(inner.calls).toEqual(['a']);
    nowMs = exp * 1000; // the moment it expires, the real check runs again (and would reject it)
    await verify('a');
    expect(inner.calls).toEqual(['a', 'a']);
  });

  it('does not remember a token that failed', async () => {
    let calls = 0;
    const verify = rememberVerified(() => (++calls === 1 ? Promise.reject(new Error('forged')) : Promise.resolve({ sub: 'u', exp })), { now: () => 0 });
    await expect(verify('t')).rejects.toThrow('forged');
    await verify('t');
    expect(calls).toBe(2);
  });

  it('forgets the oldest token beyond its capacity', async () => {
    const inner = countingVerifier(() => ({ sub: 'u', exp }));
    const verify = rememberVerified(inner.verify, { capacity: 2, now: () => 0 });
    for (const token of ['a', 'b', 'c', 'b', 'a']) await verify(token);
    expect(inner.calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
