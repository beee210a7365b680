import { describe, expect, it } from 'vitest';
import { StopStack } from './stop-stack';

describe('StopStack', () => {
  it('stops in reverse order, goes on past a failure it logs, and stops each thing once', async () => {
    const logged: unknown[] = [];
    const stops = new StopStack({ error: (...args: unknown[]) => logged.push(args) });
    const order: string[] = [];
    stops.push(() => Promise.resolve(void order.push('database')));
    stops.push(() => Promise.reject(new Error('queue would not stop')));
    stops.push(() => Promise.resolve(void order.push('server')));

    await stops.stopAll();
    await stops.stopAll();

    expect(order).toEqual(['server', 'database']);
    expect(logged).toHaveLength(1);
  });
});
