import { describe, expect, it } from 'vitest';
import { scoreClassification } from './triage-metrics';

describe('scoreClassification', () => {
  const pairs = [
    { gold: 'bug', predicted: 'bug' },
    { gold: 'bug', predicted: 'feature' },
    { gold: 'feature', predicted: 'feature' },
    { gold: 'question', predicted: '' },
  ];

  it('averages F1 over every label seen, gold or predicted', () => {
    // bug 2/3, feature 2/3, question 0, '' 0.
    expect(scoreClassification(pairs)).toMatchObject({ accuracy: 0.5, count: 4 });
    expect(scoreClassification(pairs).macroF1).toBeCloseTo((2 / 3 + 2 / 3) / 4, 9);
  });

  it('averages over the labels given, so a ticket with no answer is only a miss of its own label', () => {
    const score = scoreClassification(pairs, new Set(['bug', 'feature', 'question']));
    expect(score.accuracy).toBe(0.5);
    expect(score.macroF1).toBeCloseTo((2 / 3 + 2 / 3) / 3, 9);
  });
});
