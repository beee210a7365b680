// Fits the dedupe calibration models and writes them to services/dedupe/src/domain/calibration-models.ts.
//   tsx scripts/eval/dedupe-fit-calibration.ts --data ../shared/data [--embeddings]
// Protocol: replay duplicates.dev.jsonl in time order through the service API; for every report in the
// `fit` half (see splitHalves) take its top 10 lexical candidates among older reports, labelled duplicate
// when they share its duplicate group. That is the population the service scores in production, hard
// negatives (lexically close non-duplicates) included at their natural rate; the signals that compare a
// candidate with the others (rank, margin, standout) are taken among the full candidate pool, as the
// service takes them. The eval scores the other half.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calibrationFeatures,
  type CalibrationFeature,
  type CalibrationFeatures,
  type CalibrationModel,
} from '../../services/dedupe/src/domain/calibration';
import { fitLogisticRegression } from './dedupe-logistic-regression';
import { loadPairs, loadPool, parseEvalArguments, repositoryRoot, splitHalves, type PoolReport } from './dedupe-data';
import { openSimilarTickets } from './dedupe-service';

const candidatesPerQuery = 10;
// Light: on the dev data a heavier penalty (1e-3 and up) shrinks the weights until too few best matches
// reach the threshold, at no gain in ranking (the features are few and the fit half has ~12,000 pairs).
const l2Penalty = 1e-4;

const lexicalFeatures: readonly CalibrationFeature[] = [
  'title',
  'words',
  'identifiers',
  'bigrams',
  'topLexicalMatch',
  'lexicalMargin',
  'lexicalStandout',
  'queryTitleCoverage',
  'candidateTitleCoverage',
];
const modelShapes: readonly { name: string; features: readonly CalibrationFeature[]; needsEmbeddings: boolean }[] = [
  { name: 'lexical', features: lexicalFeatures, needsEmbeddings: false },
  { name: 'lexical+time', features: [...lexicalFeatures, 'recency'], needsEmbeddings: false },
  { name: 'lexical+embedding', features: [...lexicalFeatures, 'embedding'], needsEmbeddings: true },
  { name: 'lexical+time+embedding', features: [...lexicalFeatures, 'recency', 'embedding'], needsEmbeddings: true },
];

export interface CalibrationFit {
  readonly models: CalibrationModel[];
  readonly examples: number;
  readonly duplicates: number;
}

interface CandidateExample {
  readonly features: CalibrationFeatures;
  readonly isDuplicate: boolean;
}

/**
 * Lexical models are fitted on lexical candidates; models with an embedding feature on the candidates
 * the service scores when embeddings are on (lexical plus the same number of semantic neighbours).
 */
export async function fitCalibration(options: { dataDir: string; useEmbeddings: boolean }): Promise<CalibrationFit> {
  // Always the dev files: the shipped coefficients must never see held-out data.
  const [pool, pairs] = await Promise.all([loadPool(options.dataDir, 'dev'), loadPairs(options.dataDir, 'dev')]);
  const halfOf = splitHalves(pool, pairs);
  const isFitted = new Set(pool.filter((report) => halfOf(report.ticketId) === 'fit').map((report) => report.ticketId));
  const lexicalExamples = await collectExamples(pool, isFitted, false);
  const embeddingExamples = options.useEmbeddings ? await collectExamples(pool, isFitted, true) : [];
  const models = modelShapes
    .filter((shape) => options.useEmbeddings || !shape.needsEmbeddings)
    .map((shape) => fitModel(shape, shape.needsEmbeddings ? embeddingExamples : lexicalExamples));
  return {
    models,
    examples: lexicalExamples.length,
    duplicates: lexicalExamples.filter((example) => example.isDuplicate).length,
  };
}

// Replays the pool oldest first; each report in the fit half contributes its candidates among older reports.
async function collectExamples(pool: readonly PoolReport[], isFitted: ReadonlySet<string>, useEmbeddings: boolean) {
  const opened = await openSimilarTickets({ useEmbeddings, neighbours: candidatesPerQuery });
  const groupOf = new Map<string, string | null>();
  const examples: CandidateExample[] = [];
  try {
    for (const report of pool) {
      if (isFitted.has(report.ticketId) && opened.service.detector.size > 0) {
        for (const candidate of await opened.service.candidates(report, candidatesPerQuery)) {
          examples.push({
            features: calibrationFeatures(candidate.signals),
            isDuplicate: report.dupGroup !== null && groupOf.get(candidate.ticketId) === report.dupGroup,
          });
        }
      }
      await opened.service.upsert(report);
      groupOf.set(report.ticketId, report.dupGroup);
    }
  } finally {
    await opened.close();
  }
  return examples;
}

function fitModel(shape: (typeof modelShapes)[number], examples: readonly CandidateExample[]): CalibrationModel {
  const fit = fitLogisticRegression(
    examples.map((example) => ({
      features: shape.features.map((feature) => example.features[feature]!),
      isDuplicate: example.isDuplicate,
    })),
    { nonNegative: true, l2: l2Penalty },
  );
  return {
    name: shape.name,
    features: shape.features,
    intercept: round(fit.intercept),
    coefficients: Object.fromEntries(shape.features.map((feature, i) => [feature, round(fit.coefficients[i]!)])),
  };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

function modelsSource(fit: CalibrationFit): string {
  return `// Generated by scripts/eval/dedupe-fit-calibration.ts; re-run it rather than editing by hand.
// Fitted on the top ${candidatesPerQuery} lexical candidates (plus as many semantic neighbours, for models with an
// embedding feature) of each report in the 'fit' half of duplicates.dev.jsonl replayed in time order
// (${fit.examples} lexical candidate pairs, ${fit.duplicates} duplicates). Non-negative logistic regression, L2 ${l2Penalty}.
import type { CalibrationModel } from './calibration';

export const calibrationModels: readonly CalibrationModel[] = ${JSON.stringify(fit.models, null, 2)};
`;
}

if (import.meta.filename === process.argv[1]) {
  const { dataDir, flags } = parseEvalArguments(process.argv.slice(2));
  const fit = await fitCalibration({ dataDir, useEmbeddings: flags.has('--embeddings') });
  const target = join(repositoryRoot, 'services/dedupe/src/domain/calibration-models.ts');
  await writeFile(target, modelsSource(fit));
  for (const model of fit.models) console.log(model.name.padEnd(24), model.intercept, JSON.stringify(model.coefficients));
  console.log(`wrote ${target} (${fit.examples} examples, ${fit.duplicates} duplicates)`);
}
