import { describe, expect, it } from 'vitest';
import { lexicalStandouts } from './match-signals';

describe('lexicalStandouts', () => {
  it('rates a candidate far above evenly weak others as standing out, and the others not', () => {
    const [clear, ...rest] = lexicalStandouts([0.45, 0.12, 0.1, 0.11, 0.09, 0.1, 0.1]);
    expect(clear).toBeGreaterThan(5);
    for (const other of rest) expect(other).toBeLessThan(1);
  });

  it('does not let a candidate stand out among many about as similar (a shared template, a busy topic)', () => {
    const [best] = lexicalStandouts([0.5, 0.48, 0.47, 0.46, 0.45, 0.44, 0.1, 0.1, 0.1]);
    const [clear] = lexicalStandouts([0.5, 0.12, 0.11, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(best).toBeLessThan(2);
    expect(best).toBeLessThan(clear!);
  });

  it('measures in spreads of the others with a floor, within ±10', () => {
    expect(lexicalStandouts([0.3, 0.1, 0.1, 0.1, 0.1, 0.1])[0]).toBeCloseTo((0.3 - 0.1) / 0.05, 10);
    expect(lexicalStandouts([1, 0, 0, 0, 0, 0])[0]).toBe(10);
    expect(lexicalStandouts([0, 1, 1, 1, 1, 1])[0]).toBe(-10);
  });

  it('says nothing (0) with fewer than five other candidates to compare with', () => {
    expect(lexicalStandouts([0.9, 0.1, 0.1, 0.1, 0.1])).toEqual([0, 0, 0, 0, 0]);
    expect(lexicalStandouts([0.9])).toEqual([0]);
    expect(lexicalStandouts([])).toEqual([]);
  });
});
