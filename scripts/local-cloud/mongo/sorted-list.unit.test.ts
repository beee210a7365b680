import { describe, expect, it } from 'vitest';
import { SortedList } from './sorted-list';

const numbers = (): SortedList<number> => new SortedList<number>((a, b) => a - b, 4);

describe('SortedList', () => {
  it('keeps items ordered across chunk splits and deletes', () => {
    const list = numbers();
    const values = Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
    for (const value of values) list.insert(value);
    for (const value of values.filter((v) => v % 3 === 0)) expect(list.delete(value)).toBe(true);

    expect([...list.iterate(undefined, 1)]).toEqual(values.filter((v) => v % 3 !== 0).sort((a, b) => a - b));
    expect(list.size).toBe(values.filter((v) => v % 3 !== 0).length);
    expect(list.delete(3)).toBe(false);
  });

  it('iterates from a bound in either direction, including equal items', () => {
    const list = numbers();
    list.load([1, 3, 5, 7, 9, 11]);

    expect([...list.iterate(5, 1)]).toEqual([5, 7, 9, 11]);
    expect([...list.iterate(6, 1)]).toEqual([7, 9, 11]);
    expect([...list.iterate(7, -1)]).toEqual([7, 5, 3, 1]);
    expect([...list.iterate(6, -1)]).toEqual([5, 3, 1]);
    expect([...list.iterate(0, -1)]).toEqual([]);
    expect([...list.iterate(undefined, -1)]).toEqual([11, 9, 7, 5, 3, 1]);
  });

  it('lets an open iterator continue correctly after writes', () => {
    const list = numbers();
    list.load([10, 20, 30, 40, 50, 60, 70, 80]);
    const walk = list.iterate(undefined, 1);
    expect([walk.next().value, walk.next().value]).toEqual([10, 20]);

    list.delete(30);
    list.insert(25);
    list.insert(5);
    for (let i = 41; i < 49; i++) list.insert(i);

    expect([...walk]).toEqual([25, 40, 41, 42, 43, 44, 45, 46, 47, 48, 50, 60, 70, 80]);
  });
});
