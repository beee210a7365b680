// Scores duplicate detection on the labelled data through the service's own API.
//   tsx scripts/eval/dedupe.ts --data ../shared/data [--embeddings]
import { defaultDuplicateThreshold, isDuplicate, type SimilarTicket } from '../../services/dedupe/src/domain/duplicate-detector';
import { loadPairs, loadPool, parseEvalArguments, splitHalves, type Half, type PoolReport } from './dedupe-data';
import { openSimilarTickets } from './dedupe-service';

export interface DedupeEvalOptions {
  readonly dataDir: string;
  readonly useEmbeddings: boolean;
  /** Which files: `duplicates.<split>.jsonl`, `pairs.<split>.jsonl` (default dev). */
  readonly split?: string;
}

export interface RecallAtK {
  readonly queries: number;
  readonly at1: number;
  readonly at5: number;
  readonly at10: number;
}

export interface ThresholdResult {
  readonly threshold: number;
  /** Pairs (or queries) scored at or above the threshold. */
  readonly predicted: number;
  readonly correct: number;
  /** Pairs labelled duplicate (or queries with an older duplicate in the pool). */
  readonly positives: number;
  readonly precision: number;
  readonly recall: number;
}

export interface ThresholdResults {
  readonly all: readonly ThresholdResult[];
  readonly scoredHalf: readonly ThresholdResult[];
  /**
   * Threshold-free: the precision of the highest-scored predictions that reach the recall target, i.e.
   * the best any threshold (any recalibration of the same scores) could do there. Scored half.
   */
  readonly precisionAtTargetRecall: number;
}

export interface DedupeReport {
  readonly protocol: readonly string[];
  readonly embeddingModel?: string;
  readonly retrieval: {
    readonly all: RecallAtK;
    readonly scoredHalf: RecallAtK;
    /** Ordered by the lexical score alone, before calibrated re-ranking. */
    readonly lexicalOnly: RecallAtK;
    readonly byProject: readonly (RecallAtK & { readonly project: string })[];
  };
  readonly pairs: ThresholdResults;
  readonly pool: ThresholdResults;
  readonly timing: { readonly tickets: number; readonly meanMsPerTicket: number; readonly p95MsPerTicket: number };
}

const reportedThresholds = [0.5, 0.7, defaultDuplicateThreshold];
const targetRecall = 0.3;
const resultsPerQuery = 10;

const protocol = [
  'Retrieval: duplicates.dev.jsonl replayed oldest first; each report is first queried against all older reports, then indexed (SimilarTickets.findSimilar, then upsert). Queries = reports with an older duplicate in the pool; recall@k = a true duplicate among the top k.',
  "Halves: tickets are split by a hash of their connected component (duplicate groups + pair links), so no duplicate relation or pair crosses halves. Calibration is fitted on the 'fit' half (scripts/eval/dedupe-fit-calibration.ts); 'scored half' rows are untouched by fitting, 'all' rows include fitted queries.",
  'Pool at threshold: what the workflow does with each new ticket. For every report (distractors included), its best match counts as a predicted duplicate when its score ≥ the threshold; correct when it shares the report\'s duplicate group. Recall is over the reports that have an older duplicate, including any nothing was retrieved for.',
  'Pairs at threshold: all pair tickets are indexed together (the files carry no creation times, so the text-only model applies); each pair scores b as a candidate for a (SimilarTickets.compare), in the context of a\'s other candidates.',
];

export async function evaluateDedupe(options: DedupeEvalOptions): Promise<DedupeReport> {
  const [pool, pairs] = await Promise.all([loadPool(options.dataDir, options.split), loadPairs(options.dataDir, options.split)]);
  const halfOf = splitHalves(pool, pairs);
  const poolRun = await replayPool(pool, options.useEmbeddings);
  const queries = poolRun.outcomes.filter((outcome) => outcome.hasOlderDuplicate);
  const scoredQueries = queries.filter((outcome) => halfOf(outcome.report.ticketId) === 'scored');
  const projects = [...new Set(queries.map((outcome) => outcome.report.project))].sort();

  const pairScores = await scorePairs(pairs, options.useEmbeddings);
  const scoredPairs = pairScores.filter((pair) => pair.half(halfOf) === 'scored');
  const poolDecisions = (half?: Half) => poolRun.outcomes.filter((outcome) => half === undefined || halfOf(outcome.report.ticketId) === half);

  return {
    protocol,
    ...(poolRun.embeddingModel === undefined ? {} : { embeddingModel: poolRun.embeddingModel }),
    retrieval: {
      all: recallAtK(queries, (outcome) => outcome.ranked),
      scoredHalf: recallAtK(scoredQueries, (outcome) => outcome.ranked),
      lexicalOnly: recallAtK(queries, (outcome) => outcome.lexicalRanked),
      byProject: projects.map((project) => ({
        project,
        ...recallAtK(queries.filter((outcome) => outcome.report.project === project), (outcome) => outcome.ranked),
      })),
    },
    pairs: {
      all: reportedThresholds.map((threshold) => pairsAtThreshold(pairScores, threshold)),
      scoredHalf: reportedThresholds.map((threshold) => pairsAtThreshold(scoredPairs, threshold)),
      precisionAtTargetRecall: precisionAtRecall(
        scoredPairs.map((pair) => ({ score: pair.score, isCorrect: pair.isDuplicate })),
        scoredPairs.filter((pair) => pair.isDuplicate).length,
      ),
    },
    pool: {
      all: reportedThresholds.map((threshold) => poolAtThreshold(poolDecisions(), threshold)),
      scoredHalf: reportedThresholds.map((threshold) => poolAtThreshold(poolDecisions('scored'), threshold)),
      precisionAtTargetRecall: precisionAtRecall(
        poolDecisions('scored').flatMap((outcome) =>
          outcome.best === undefined ? [] : [{ score: outcome.best.match.score, isCorrect: outcome.best.isTrueDuplicate }],
        ),
        poolDecisions('scored').filter((outcome) => outcome.hasOlderDuplicate).length,
      ),
    },
    timing: poolRun.timing,
  };
}

export interface QueryOutcome {
  readonly report: PoolReport;
  readonly hasOlderDuplicate: boolean;
  /** Whether each ranked result is a true duplicate, best first. */
  readonly ranked: readonly boolean[];
  readonly lexicalRanked: readonly boolean[];
  readonly best: { readonly match: SimilarTicket; readonly isTrueDuplicate: boolean } | undefined;
}

export async function replayPool(pool: readonly PoolReport[], useEmbeddings: boolean) {
  const opened = await openSimilarTickets({ useEmbeddings });
  const { service } = opened;
  const groupOf = new Map<string, string | null>();
  const groupSizes = new Map<string, number>();
  const outcomes: QueryOutcome[] = [];
  const durations: number[] = [];
  const isTrueDuplicate = (report: PoolReport, ticketId: string) => report.dupGroup !== null && groupOf.get(ticketId) === report.dupGroup;
  try {
    for (const report of pool) {
      const started = performance.now();
      const results: SimilarTicket[] = service.detector.size > 0 ? await service.findSimilar(report, resultsPerQuery) : [];
      await service.upsert(report);
      durations.push(performance.now() - started);
      // Every report is an outcome, even one nothing matched: a duplicate that retrieval missed entirely
      // must count against recall, not drop out of its denominator.
      const lexical = results.length > 0 ? await service.candidates(report, resultsPerQuery) : [];
      const best = results[0];
      outcomes.push({
        report,
        hasOlderDuplicate: report.dupGroup !== null && (groupSizes.get(report.dupGroup) ?? 0) > 0,
        ranked: results.map((result) => isTrueDuplicate(report, result.ticketId)),
        lexicalRanked: lexical.slice(0, resultsPerQuery).map((candidate) => isTrueDuplicate(report, candidate.ticketId)),
        best: best === undefined ? undefined : { match: best, isTrueDuplicate: isTrueDuplicate(report, best.ticketId) },
      });
      groupOf.set(report.ticketId, report.dupGroup);
      if (report.dupGroup !== null) groupSizes.set(report.dupGroup, (groupSizes.get(report.dupGroup) ?? 0) + 1);
    }
  } finally {
    await opened.close();
  }
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    outcomes,
    ...(opened.embeddingModel === undefined ? {} : { embeddingModel: opened.embeddingModel }),
    timing: {
      tickets: durations.length,
      meanMsPerTicket: durations.reduce((sum, duration) => sum + duration, 0) / Math.max(1, durations.length),
      p95MsPerTicket: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    },
  };
}

interface PairScore {
  readonly isDuplicate: boolean;
  readonly score: number;
  half(halfOf: (ticketId: string) => Half): Half;
}

async function scorePairs(pairs: Awaited<ReturnType<typeof loadPairs>>, useEmbeddings: boolean): Promise<PairScore[]> {
  const opened = await openSimilarTickets({ useEmbeddings });
  try {
    for (const pair of pairs) {
      if (!opened.service.detector.get(pair.a.ticketId)) await opened.service.upsert(pair.a);
      if (!opened.service.detector.get(pair.b.ticketId)) await opened.service.upsert(pair.b);
    }
    const scores: PairScore[] = [];
    for (const pair of pairs) {
      const match = await opened.service.compare({ ticketId: pair.a.ticketId }, pair.b.ticketId);
      scores.push({ isDuplicate: pair.isDuplicate, score: match?.score ?? 0, half: (halfOf) => halfOf(pair.a.ticketId) });
    }
    return scores;
  } finally {
    await opened.close();
  }
}

export function recallAtK(outcomes: readonly QueryOutcome[], rankingOf: (outcome: QueryOutcome) => readonly boolean[]): RecallAtK {
  const recall = (k: number) =>
    outcomes.filter((outcome) => rankingOf(outcome).slice(0, k).some(Boolean)).length / Math.max(1, outcomes.length);
  return { queries: outcomes.length, at1: recall(1), at5: recall(5), at10: recall(10) };
}

function pairsAtThreshold(scores: readonly PairScore[], threshold: number): ThresholdResult {
  const predicted = scores.filter((pair) => pair.score >= threshold);
  const correct = predicted.filter((pair) => pair.isDuplicate).length;
  return thresholdResult(threshold, predicted.length, correct, scores.filter((pair) => pair.isDuplicate).length);
}

function poolAtThreshold(outcomes: readonly QueryOutcome[], threshold: number): ThresholdResult {
  const predicted = outcomes.filter((outcome) => isDuplicate(outcome.best?.match, threshold));
  const correct = predicted.filter((outcome) => outcome.best?.isTrueDuplicate === true).length;
  return thresholdResult(threshold, predicted.length, correct, outcomes.filter((outcome) => outcome.hasOlderDuplicate).length);
}

function precisionAtRecall(predictions: readonly { score: number; isCorrect: boolean }[], positives: number): number {
  const ranked = [...predictions].sort((a, b) => b.score - a.score);
  let correct = 0;
  for (const [i, prediction] of ranked.entries()) {
    if (prediction.isCorrect) correct += 1;
    if (correct >= targetRecall * positives) return correct / (i + 1);
  }
  return 0;
}

function thresholdResult(threshold: number, predicted: number, correct: number, positives: number): ThresholdResult {
  return { threshold, predicted, correct, positives, precision: predicted === 0 ? 1 : correct / predicted, recall: correct / Math.max(1, positives) };
}

export function printReport(report: DedupeReport): void {
  const f = (value: number) => value.toFixed(3);
  const recallRow = (label: string, recall: RecallAtK) =>
    `${label.padEnd(44)} ${String(recall.queries).padStart(5)}  ${f(recall.at1)}  ${f(recall.at5)}  ${f(recall.at10)}`;
  const thresholdRows = (label: string, results: readonly ThresholdResult[]) =>
    results.map(
      (result) =>
        `${label.padEnd(28)} ${result.threshold.toFixed(2)}  ${String(result.predicted).padStart(5)} ${String(result.correct).padStart(5)} ${String(result.positives).padStart(5)}  ${f(result.precision)}  ${f(result.recall)}`,
    );
  const lines = [
    `Duplicate detection${report.embeddingModel === undefined ? ' (lexical)' : ` (lexical + ${report.embeddingModel})`}`,
    '',
    `${'retrieval, time-ordered'.padEnd(44)} ${'n'.padStart(5)}  R@1    R@5    R@10`,
    recallRow('all queries', report.retrieval.all),
    recallRow('scored half (not used in fitting)', report.retrieval.scoredHalf),
    recallRow('all queries, lexical score only', report.retrieval.lexicalOnly),
    ...report.retrieval.byProject.map((row) => recallRow(`  ${row.project}`, row)),
    '',
    `${'at threshold'.padEnd(28)} thr   pred.  hits   pos.  prec.  recall`,
    ...thresholdRows('pairs, all', report.pairs.all),
    ...thresholdRows('pairs, scored half', report.pairs.scoredHalf),
    ...thresholdRows('pool best match, all', report.pool.all),
    ...thresholdRows('pool best match, scored half', report.pool.scoredHalf),
    `best precision at recall ${targetRecall} (any threshold), scored half: pairs ${f(report.pairs.precisionAtTargetRecall)}, pool ${f(report.pool.precisionAtTargetRecall)}`,
    '',
    `time per ticket (query + index): mean ${report.timing.meanMsPerTicket.toFixed(2)} ms, p95 ${report.timing.p95MsPerTicket.toFixed(2)} ms over ${report.timing.tickets} tickets`,
    '',
    'Protocol:',
    ...report.protocol.map((line) => `- ${line}`),
  ];
  console.log(lines.join('\n'));
}

if (import.meta.filename === process.argv[1]) {
  const { dataDir, split, flags } = parseEvalArguments(process.argv.slice(2));
  printReport(await evaluateDedupe({ dataDir, split, useEmbeddings: flags.has('--embeddings') }));
}
