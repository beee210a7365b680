import { describe, expect, it } from 'vitest';
import { notDuplicateOfAfter } from './duplicate-links';

const person = { type: 'user' } as const;

describe('notDuplicateOfAfter', () => {
  it("adds the original a person unlinked, and forgets it when a person links them again", () => {
    const unlinked = notDuplicateOfAfter([], [{ field: 'duplicateOf', from: 'T-1', to: null }], person);
    expect(unlinked).toEqual(['T-1']);
    expect(notDuplicateOfAfter(unlinked, [{ field: 'duplicateOf', from: null, to: 'T-1' }], person)).toEqual([]);
  });

  it("ignores an agent's changes and every other field", () => {
    expect(notDuplicateOfAfter(['T-1'], [{ field: 'duplicateOf', from: 'T-2', to: null }], { type: 'agent' })).toEqual(['T-1']);
    expect(notDuplicateOfAfter(['T-1'], [{ field: 'title', from: 'a', to: 'b' }], person)).toEqual(['T-1']);
  });
});
