import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, type LabelledExample } from './dedupe-logistic-regression';

// Labels drawn deterministically from a known logistic model, so the fit has a truth to recover.
function examplesFrom(intercept: number, coefficients: readonly number[], count: number): LabelledExample[] {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const features = coefficients.map(() => random());
    const logit = intercept + features.reduce((sum, value, i) => sum + value * coefficients[i]!, 0);
    return { features, isDuplicate: random() < 1 / (1 + Math.exp(-logit)) };
  });
}

describe('fitLogisticRegression', () => {
  it('recovers the coefficients of the model that produced the labels', () => {
    const fit = fitLogisticRegression(examplesFrom(-2, [3, 1], 20_000), { l2: 0 });
    expect(fit.intercept).toBeCloseTo(-2, 0);
    expect(fit.coefficients[0]).toBeCloseTo(3, 0);
    expect(fit.coefficients[1]).toBeCloseTo(1, 0);
  });

  it('with nonNegative, drops a feature that would get a negative weight and refits the rest', () => {
    const examples = examplesFrom(0, [2, -1.5], 5_000);
    expect(fitLogisticRegression(examples).coefficients[1]).toBeLessThan(0);
    const constrained = fitLogisticRegression(examples, { nonNegative: true });
    expect(constrained.coefficients[1]).toBe(0);
    expect(constrained.coefficients[0]).toBeGreaterThan(1);
  });
});
