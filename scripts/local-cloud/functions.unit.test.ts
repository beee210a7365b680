import { describe, expect, it } from 'vitest';
import { createLambdaInvoker, type LoadedFunction } from './functions';
import type { FunctionSpec } from './wiring/wiring';

const spec = (name: string): FunctionSpec => ({
  service: 'probe',
  key: name,
  name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  modulePath: '/nowhere.ts',
  exportName: 'handler',
  timeoutSeconds: 30,
  environment: {},
  triggers: [],
});

/** A function whose invocations wait until released, counting how many run at once. */
function heldFunction(name: string) {
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const fn: LoadedFunction = {
    spec: spec(name),
    module: {},
    handler: async (event) => {
      most = Math.max(most, ++running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      if ((event as { fail?: boolean }).fail) throw new Error('told to fail');
      return event;
    },
  };
  return { fn, most: () => most, started: () => releases.length, releaseAll: () => releases.splice(0).forEach((release) => release()) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the local Lambda invoker', () => {
  it('runs at most `concurrency` invocations of a function at once, the rest in turn, and answers every one', async () => {
    const held = heldFunction('busy');
    const invoke = createLambdaInvoker(new Map([[held.fn.spec.arn, held.fn]]), 3);

    const calls = Array.from({ length: 8 }, (_, n) => invoke('busy', { n }));
    await settle();
    expect(held.started()).toBe(3);
    while (held.started() > 0) {
      held.releaseAll();
      await settle();
    }

    expect(await Promise.all(calls)).toEqual(Array.from({ length: 8 }, (_, n) => ({ n })));
    expect(held.most()).toBe(3);
  });

  it('frees the slot of an invocation that failed, and limits each function on its own', async () => {
    const [a, b] = [heldFunction('a'), heldFunction('b')];
    const invoke = createLambdaInvoker(new Map([a, b].map((held) => [held.fn.spec.arn, held.fn])), 1);

    const failing = invoke('a', { fail: true });
    const next = invoke('a', { n: 2 });
    const other = invoke(b.fn.spec.arn, { n: 3 });
    await settle();
    expect([a.started(), b.started()]).toEqual([1, 1]);
    a.releaseAll();
    await expect(failing).rejects.toThrow('told to fail');
    await settle();
    a.releaseAll();
    b.releaseAll();

    expect(await Promise.all([next, other])).toEqual([{ n: 2 }, { n: 3 }]);
  });
});
