import { seededRandom, shuffleInPlace } from './random';
import type { SparseVector } from './sparse-vector';

export interface SvmTraining {
  /** Cost of a margin violation; larger fits the examples harder. */
  readonly c: number;
  readonly epochs: number;
  /** 0 weighs every example alike; 1 weighs classes as if balanced (N / (K · n_k)). */
  readonly classBalance: number;
  /** Scores are turned into probabilities by softmax(score · temperature). */
  readonly temperature: number;
  readonly seed: number;
}

export interface LabelledVector {
  readonly vector: SparseVector;
  readonly label: string;
}

/**
 * One-vs-rest linear SVM with squared hinge loss, trained by dual coordinate descent (Hsieh et al. 2008, as in
 * liblinear), with a softmax over the class scores for probabilities. Measured against SGD logistic regression
 * on the same features it was as good or better on every labelled source (project routing +0.02 macro-F1).
 */
export class LinearSvm {
  private constructor(
    readonly labels: readonly string[],
    /** Class-major: `weights[class * (dimension + 1) + feature]`, the bias (an always-on feature) last. */
    private readonly weights: Float64Array,
    private readonly dimension: number,
    private readonly training: SvmTraining,
  ) {}

  static train(samples: readonly LabelledVector[], dimension: number, training: SvmTraining): LinearSvm {
    const labels = [...new Set(samples.map((sample) => sample.label))].sort();
    const svm = new LinearSvm(labels, new Float64Array((dimension + 1) * labels.length), dimension, training);
    const costs = classCosts(samples, labels, training);
    const random = seededRandom(training.seed);
    labels.forEach((label, k) => svm.trainClass(samples, k, (i) => (samples[i]!.label === label ? 1 : -1), costs, random));
    return svm;
  }

  probabilities(vector: SparseVector): Float64Array {
    const scores = this.scores(vector);
    for (let k = 0; k < scores.length; k++) scores[k]! *= this.training.temperature;
    return softmax(scores);
  }

  private trainClass(samples: readonly LabelledVector[], k: number, sign: (i: number) => 1 | -1, costs: Float64Array, random: () => number): void {
    const alpha = new Float64Array(samples.length);
    const diagonal = samples.map((s, i) => s.vector.values.reduce((sum, v) => sum + v * v, 1) + 1 / (2 * costs[i]!));
    const order = samples.map((_, i) => i);
    for (let epoch = 0; epoch < this.training.epochs; epoch++) {
      let largestStep = 0;
      for (const i of shuffleInPlace(order, random)) {
        const y = sign(i);
        const gradient = y * this.score(samples[i]!.vector, k) - 1 + alpha[i]! / (2 * costs[i]!);
        if (alpha[i] === 0 && gradient >= 0) continue;
        const next = Math.max(alpha[i]! - gradient / diagonal[i]!, 0);
        const delta = next - alpha[i]!;
        if (delta === 0) continue;
        alpha[i] = next;
        this.add(samples[i]!.vector, k, delta * y);
        largestStep = Math.max(largestStep, Math.abs(delta));
      }
      if (largestStep < 1e-3) break;
    }
  }

  private scores(vector: SparseVector): Float64Array {
    const scores = new Float64Array(this.labels.length);
    for (let k = 0; k < scores.length; k++) scores[k] = this.score(vector, k);
    return scores;
  }

  private score(vector: SparseVector, k: number): number {
    const row = k * (this.dimension + 1);
    let sum = this.weights[row + this.dimension]!;
    for (let i = 0; i < vector.indices.length; i++) {
      const feature = vector.indices[i]!;
      if (feature < this.dimension) sum += this.weights[row + feature]! * vector.values[i]!;
    }
    return sum;
  }

  private add(vector: SparseVector, k: number, amount: number): void {
    const row = k * (this.dimension + 1);
    for (let i = 0; i < vector.indices.length; i++) {
      const feature = vector.indices[i]!;
      if (feature < this.dimension) this.weights[row + feature]! += amount * vector.values[i]!;
    }
    this.weights[row + this.dimension]! += amount;
  }
}

function classCosts(samples: readonly LabelledVector[], labels: readonly string[], training: SvmTraining): Float64Array {
  const counts = new Map<string, number>();
  for (const sample of samples) counts.set(sample.label, (counts.get(sample.label) ?? 0) + 1);
  return Float64Array.from(samples, (s) => training.c * (samples.length / (labels.length * counts.get(s.label)!)) ** training.classBalance);
}

function softmax(scores: Float64Array): Float64Array {
  const max = Math.max(...scores);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += scores[k] = Math.exp(scores[k]! - max);
  for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
  return scores;
}
