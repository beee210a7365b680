import { seededRandom, shuffleInPlace } from './random';
import type { SparseVector } from './sparse-vector';

export interface SoftmaxTraining {
  /** L2 penalty per example; larger is smoother and less confident. */
  readonly l2: number;
  readonly epochs: number;
  readonly learningRate: number;
  /**
   * 0 weighs every example alike; 1 weighs classes as if balanced (N / (K · n_k)); in between trades
   * accuracy on the common classes for recall on the rare ones.
   */
  readonly classBalance: number;
  readonly seed: number;
}

export interface LabelledVector {
  readonly vector: SparseVector;
  readonly label: string;
}

/**
 * Multinomial logistic regression trained by SGD with a linearly decaying step. Weights are stored
 * feature-major (`weights[feature * K + class]`) and L2 decay is a running `scale`, so a step costs
 * O(non-zeros × classes) however many features there are.
 */
export class SoftmaxRegression {
  private scale = 1;

  private constructor(
    readonly labels: readonly string[],
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
    private readonly l2: number,
  ) {}

  static train(samples: readonly LabelledVector[], dimension: number, training: SoftmaxTraining): SoftmaxRegression {
    const labels = [...new Set(samples.map((sample) => sample.label))].sort();
    const model = new SoftmaxRegression(labels, new Float64Array(dimension * labels.length), new Float64Array(labels.length), training.l2);
    const classWeights = balancedClassWeights(samples, labels, training.classBalance);
    const order = samples.map((_, i) => i);
    const random = seededRandom(training.seed);
    const totalSteps = training.epochs * samples.length;
    let step = 0;
    for (let epoch = 0; epoch < training.epochs; epoch++) {
      for (const i of shuffleInPlace(order, random)) {
        const sample = samples[i]!;
        const labelIndex = labels.indexOf(sample.label);
        const learningRate = training.learningRate * (1 - step++ / totalSteps);
        model.step(sample.vector, labelIndex, learningRate * classWeights[labelIndex]!);
      }
    }
    return model;
  }

  /** Class probabilities, in the order of `labels`. */
  probabilities(vector: SparseVector): Float64Array {
    const classes = this.labels.length;
    const scores = Float64Array.from(this.bias);
    vector.indices.forEach((feature, i) => {
      const value = vector.values[i]! * this.scale;
      const row = feature * classes;
      if (row >= this.weights.length) return;
      for (let k = 0; k < classes; k++) scores[k]! += this.weights[row + k]! * value;
    });
    return softmax(scores);
  }

  /** One SGD step of the cross-entropy loss towards `labelIndex`; exposed so new labels act at once. */
  step(vector: SparseVector, labelIndex: number, learningRate: number): void {
    const classes = this.labels.length;
    const gradient = this.probabilities(vector);
    gradient[labelIndex]! -= 1;
    this.decay(learningRate);
    vector.indices.forEach((feature, i) => {
      const row = feature * classes;
      if (row >= this.weights.length) return;
      const value = (vector.values[i]! * learningRate) / this.scale;
      for (let k = 0; k < classes; k++) this.weights[row + k]! -= gradient[k]! * value;
    });
    for (let k = 0; k < classes; k++) this.bias[k]! -= gradient[k]! * learningRate;
  }

  private decay(learningRate: number): void {
    this.scale *= 1 - learningRate * this.l2;
    if (this.scale > 1e-6) return;
    // Fold the scale back into the weights before it underflows.
    for (let i = 0; i < this.weights.length; i++) this.weights[i]! *= this.scale;
    this.scale = 1;
  }
}

function balancedClassWeights(samples: readonly LabelledVector[], labels: readonly string[], balance: number): Float64Array {
  const counts = new Float64Array(labels.length);
  for (const sample of samples) counts[labels.indexOf(sample.label)]! += 1;
  return counts.map((count) => (samples.length / (labels.length * count)) ** balance);
}

function softmax(scores: Float64Array): Float64Array {
  const max = Math.max(...scores);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += scores[k] = Math.exp(scores[k]! - max);
  for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
  return scores;
}
