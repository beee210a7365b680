import { describe, expect, it } from 'vitest';
import { estimateResolutionHours } from './resolution-estimate';

describe('estimateResolutionHours', () => {
  it('is null without resolved neighbours', () => {
    expect(estimateResolutionHours([])).toBeNull();
  });

  it('takes the similarity-weighted median, so one outlier does not skew it', () => {
    expect(estimateResolutionHours([
      { similarity: 0.9, resolutionHours: 2 },
      { similarity: 0.8, resolutionHours: 3 },
      { similarity: 0.3, resolutionHours: 900 },
    ])).toBe(3);
  });

  it('leans towards the most similar tickets', () => {
    expect(estimateResolutionHours([
      { similarity: 0.95, resolutionHours: 10 },
      { similarity: 0.2, resolutionHours: 1 },
      { similarity: 0.2, resolutionHours: 2 },
    ])).toBe(10);
  });
});
