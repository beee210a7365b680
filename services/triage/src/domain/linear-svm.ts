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
 * liblinear), with a softmax over the class scores for probabilities. New labels between fits take a
 * passive-aggressive (PA-II) step: the online form of the same loss, the smallest change that honours them.
 */
export class LinearSvm {
  private constructor(
    readonly labels: readonly string[],
    /** Feature-major: `weights[feature * K + class]`; the bias is an always-on feature at `dimension`. */
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

  /** A PA-II step per class whose margin the example violates. */
  learnOnline(vector: SparseVector, label: string): void {
    const scores = this.scores(vector);
    const squaredNorm = vector.values.reduce((sum, v) => sum + v * v, 1);
    this.labels.forEach((candidate, k) => {
      const sign = candidate === label ? 1 : -1;
      const loss = 1 - sign * scores[k]!;
      if (loss > 0) this.add(vector, k, (sign * loss) / (squaredNorm + 1 / (2 * this.training.c)));
    });
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
    const classes = this.labels.length;
    let sum = this.weights[this.dimension * classes + k]!;
    for (let i = 0; i < vector.indices.length; i++) {
      const feature = vector.indices[i]!;
      if (feature < this.dimension) sum += this.weights[feature * classes + k]! * vector.values[i]!;
    }
    return sum;
  }

  private add(vector: SparseVector, k: number, amount: number): void {
    const classes = this.labels.length;
    for (let i = 0; i < vector.indices.length; i++) {
      const feature = vector.indices[i]!;
      if (feature < this.dimension) this.weights[feature * classes + k]! += amount * vector.values[i]!;
    }
    this.weights[this.dimension * classes + k]! += amount;
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
