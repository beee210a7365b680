import type { MatchSignals } from './match-signals';

/** The inputs of the calibrated duplicate probability, each rising with the evidence for a duplicate. */
export type CalibrationFeature =
  | 'title'
  | 'words'
  | 'identifiers'
  | 'bigrams'
  | 'topLexicalMatch'
  | 'lexicalMargin'
  | 'lexicalStandout'
  | 'queryTitleCoverage'
  | 'candidateTitleCoverage'
  | 'recency'
  | 'embedding';
export type CalibrationFeatures = Readonly<Partial<Record<CalibrationFeature, number>>>;

/**
 * A logistic model: probability = 1 / (1 + e^-(intercept + Σ coefficient × feature)). Coefficients are
 * non-negative, so the probability never falls as any similarity rises. Fitted offline by
 * scripts/eval/dedupe-fit-calibration.ts, which also writes the models the service ships.
 */
export interface CalibrationModel {
  readonly name: string;
  readonly features: readonly CalibrationFeature[];
  readonly intercept: number;
  readonly coefficients: Readonly<Partial<Record<CalibrationFeature, number>>>;
}

export function calibrationFeatures(signals: MatchSignals): CalibrationFeatures {
  return {
    title: signals.title,
    words: signals.words,
    identifiers: signals.identifiers,
    bigrams: signals.bigrams,
    topLexicalMatch: signals.lexicalRank === 1 ? 1 : 0,
    lexicalMargin: signals.lexicalMargin,
    lexicalStandout: signals.lexicalStandout,
    queryTitleCoverage: signals.queryTitleCoverage,
    candidateTitleCoverage: signals.candidateTitleCoverage,
    // Duplicates cluster in time (the same fault reaches several people around one release): the log
    // makes a day against a week matter more than a year against two.
    ...(signals.daysApart === undefined ? {} : { recency: -Math.log1p(signals.daysApart) }),
    ...(signals.embedding === undefined ? {} : { embedding: signals.embedding }),
  };
}

/** The model using the most of the available features (a model needs all of its features). */
export function selectModel(models: readonly CalibrationModel[], features: CalibrationFeatures): CalibrationModel {
  const usable = models.filter((model) => model.features.every((feature) => features[feature] !== undefined));
  const best = usable.reduce<CalibrationModel | undefined>(
    (chosen, model) => (chosen === undefined || model.features.length > chosen.features.length ? model : chosen),
    undefined,
  );
  if (best === undefined) throw new NoCalibrationModelError(Object.keys(features));
  return best;
}

export function duplicateProbability(model: CalibrationModel, features: CalibrationFeatures): number {
  let logit = model.intercept;
  for (const feature of model.features) logit += (model.coefficients[feature] ?? 0) * (features[feature] ?? 0);
  return 1 / (1 + Math.exp(-logit));
}

export class NoCalibrationModelError extends Error {
  override readonly name = 'NoCalibrationModelError';

  constructor(available: readonly string[]) {
    super(`No calibration model uses only the available features: ${available.join(', ')}`);
  }
}
