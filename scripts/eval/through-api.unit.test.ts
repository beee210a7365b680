import { describe, expect, it } from 'vitest';
import { spread } from './through-api';

describe('spread', () => {
  it('draws the limit evenly over sorted rows rather than taking the first ones', () => {
    const sortedByPriority = [...Array<string>(6).fill('Blocker'), ...Array<string>(6).fill('Major'), ...Array<string>(6).fill('Trivial')];
    expect(spread(sortedByPriority, 3)).toEqual(['Blocker', 'Major', 'Trivial']);
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([1, 3, 5, 7, 9]);
  });

  it('keeps every row when the limit is at least their number, or there is none', () => {
    expect(spread([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(spread([1, 2, 3])).toEqual([1, 2, 3]);
  });
});
