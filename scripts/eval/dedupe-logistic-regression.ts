// Fits the small logistic model that turns a pair's similarity signals into a duplicate probability.
// Offline only (the service ships the fitted coefficients), so it lives with the eval scripts.

export interface LabelledExample {
  readonly features: readonly number[];
  readonly isDuplicate: boolean;
}

export interface LogisticFit {
  readonly intercept: number;
  readonly coefficients: number[];
}

/**
 * Maximum-likelihood logistic regression by Newton's method, with a light L2 penalty (not on the
 * intercept) for stability. With `nonNegative`, a feature whose coefficient comes out negative is dropped
 * (coefficient 0) and the rest refitted, so the probability never falls as a similarity rises: a
 * collinear signal cannot earn a negative weight that would make the explanation absurd.
 */
export function fitLogisticRegression(
  examples: readonly LabelledExample[],
  options: { l2?: number; nonNegative?: boolean } = {},
): LogisticFit {
  const featureCount = examples[0]?.features.length ?? 0;
  const active = new Set(Array.from({ length: featureCount }, (_, i) => i));
  for (;;) {
    const fit = newtonFit(examples, [...active], options.l2 ?? 1e-3);
    const negative = options.nonNegative ? [...active].filter((i) => fit.coefficients[i]! < 0) : [];
    if (negative.length === 0) return fit;
    // Drop the most negative first: removing one collinear feature often flips the sign of another.
    const worst = negative.reduce((a, b) => (fit.coefficients[a]! <= fit.coefficients[b]! ? a : b));
    active.delete(worst);
  }
}

function newtonFit(examples: readonly LabelledExample[], active: readonly number[], l2: number): LogisticFit {
  const size = active.length + 1;
  let weights = new Array<number>(size).fill(0);
  for (let iteration = 0; iteration < 50; iteration += 1) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (const example of examples) {
      const x = [1, ...active.map((i) => example.features[i]!)];
      const p = sigmoid(dot(weights, x));
      const residual = p - (example.isDuplicate ? 1 : 0);
      const curvature = Math.max(p * (1 - p), 1e-9);
      for (let r = 0; r < size; r += 1) {
        gradient[r]! += residual * x[r]!;
        for (let c = 0; c < size; c += 1) hessian[r]![c]! += curvature * x[r]! * x[c]!;
      }
    }
    for (let r = 1; r < size; r += 1) {
      gradient[r]! += l2 * examples.length * weights[r]!;
      hessian[r]![r]! += l2 * examples.length;
    }
    const step = solve(hessian, gradient);
    weights = weights.map((weight, i) => weight - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  const coefficients = new Array<number>(examples[0]?.features.length ?? 0).fill(0);
  active.forEach((feature, i) => (coefficients[feature] = weights[i + 1]!));
  return { intercept: weights[0]!, coefficients };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

// Gaussian elimination with partial pivoting; the systems here are a handful of rows.
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const rows = matrix.map((row, i) => [...row, vector[i]!]);
  for (let column = 0; column < n; column += 1) {
    let pivot = column;
    for (let r = column + 1; r < n; r += 1) if (Math.abs(rows[r]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = r;
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    const pivotRow = rows[column]!;
    for (let r = column + 1; r < n; r += 1) {
      const factor = rows[r]![column]! / pivotRow[column]!;
      for (let c = column; c <= n; c += 1) rows[r]![c]! -= factor * pivotRow[c]!;
    }
  }
  const solution = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r -= 1) {
    let sum = rows[r]![n]!;
    for (let c = r + 1; c < n; c += 1) sum -= rows[r]![c]! * solution[c]!;
    solution[r] = sum / rows[r]![r]!;
  }
  return solution;
}
