export interface ClassificationScore {
  readonly accuracy: number;
  readonly macroF1: number;
  readonly count: number;
}

/**
 * Accuracy and macro-F1 (unweighted mean of per-label F1 over every label seen in gold or predicted, or over
 * `labels` when given: e.g. the gold labels, so that tickets with no answer count as misses of their own label
 * without adding a pseudo-label whose F1 of 0 would drag the mean down).
 */
export function scoreClassification(pairs: readonly { gold: string; predicted: string }[], labels: ReadonlySet<string> = new Set(pairs.flatMap((p) => [p.gold, p.predicted]))): ClassificationScore {
  let f1Sum = 0;
  for (const label of labels) {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (const { gold, predicted } of pairs) {
      if (predicted === label && gold === label) truePositives++;
      else if (predicted === label) falsePositives++;
      else if (gold === label) falseNegatives++;
    }
    f1Sum += truePositives === 0 ? 0 : (2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives);
  }
  const correct = pairs.filter((p) => p.gold === p.predicted).length;
  return { accuracy: pairs.length ? correct / pairs.length : 0, macroF1: labels.size ? f1Sum / labels.size : 0, count: pairs.length };
}
