import { describe, expect, it } from 'vitest';
import { LinearSvm, type SvmTraining } from './linear-svm';
import type { SparseVector } from './sparse-vector';

const training: SvmTraining = { c: 1, epochs: 30, classBalance: 0.5, temperature: 3, seed: 1 };
const vector = (entries: Record<number, number>): SparseVector => {
  const indices = Int32Array.from(Object.keys(entries).map(Number)).sort();
  const values = Float32Array.from(indices, (i) => entries[i]!);
  const norm = Math.hypot(...values);
  return { indices, values: values.map((v) => v / norm) };
};

describe('LinearSvm', () => {
  const samples = [
    { vector: vector({ 0: 1, 1: 0.2 }), label: 'billing' },
    { vector: vector({ 0: 1, 3: 0.1 }), label: 'billing' },
    { vector: vector({ 2: 1, 1: 0.2 }), label: 'access' },
    { vector: vector({ 2: 1, 3: 0.3 }), label: 'access' },
    { vector: vector({ 4: 1 }), label: 'hardware' },
    { vector: vector({ 4: 1, 1: 0.5 }), label: 'hardware' },
  ];
  const svm = LinearSvm.train(samples, 5, training);

  it('learns a separable example', () => {
    expect(svm.labels).toEqual(['access', 'billing', 'hardware']);
    for (const sample of samples) {
      const probabilities = svm.probabilities(sample.vector);
      expect(svm.labels[probabilities.indexOf(Math.max(...probabilities))]).toBe(sample.label);
    }
  });

  it('returns probabilities that sum to one', () => {
    const probabilities = svm.probabilities(vector({ 0: 1, 2: 1 }));
    expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    expect(probabilities.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('ignores features it was not trained on', () => {
    const known = { indices: Int32Array.of(0), values: Float32Array.of(1) };
    const withUnknown = { indices: Int32Array.of(0, 99), values: Float32Array.of(1, 5) };
    expect(Array.from(svm.probabilities(withUnknown))).toEqual(Array.from(svm.probabilities(known)));
  });

  it('fits the same way every time', () => {
    const again = LinearSvm.train(samples, 5, training);
    expect(Array.from(again.probabilities(samples[0]!.vector))).toEqual(Array.from(svm.probabilities(samples[0]!.vector)));
  });

  describe('over ordered labels', () => {
    // Two features trade off as the level rises: low is all "calm", critical all "alarm".
    const level = (alarm: number) => vector({ 0: 1 - alarm + 0.01, 1: alarm + 0.01 });
    const ordered = [
      ...[0, 0.05, 0.1].map((a) => ({ vector: level(a), label: 'low' })),
      ...[0.3, 0.35, 0.4].map((a) => ({ vector: level(a), label: 'medium' })),
      ...[0.6, 0.65, 0.7].map((a) => ({ vector: level(a), label: 'high' })),
      ...[0.9, 0.95, 1].map((a) => ({ vector: level(a), label: 'critical' })),
    ];
    const order = ['low', 'medium', 'high', 'critical'];
    const ordinal = LinearSvm.trainOrdinal(ordered, 2, training, order);
    const likeliest = (p: Float64Array) => ordinal.labels[p.indexOf(Math.max(...p))];

    it('keeps the given order of the labels it has seen, not their alphabetical one', () => {
      expect(ordinal.labels).toEqual(order);
      expect(LinearSvm.trainOrdinal(ordered.filter((s) => s.label !== 'high'), 2, training, order).labels).toEqual(['low', 'medium', 'critical']);
    });

    it('gives probabilities that sum to one, and rises through the levels as the evidence does', () => {
      const answers = [0, 0.35, 0.65, 1].map((a) => {
        const probabilities = ordinal.probabilities(level(a));
        expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
        expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
        return likeliest(probabilities);
      });
      expect(answers).toEqual(order);
    });
  });
});
