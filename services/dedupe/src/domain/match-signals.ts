import type { FieldVectors, FieldWeights } from './lexical-index';
import { cosineSimilarity } from './sparse-vector';
import { fieldNames } from './ticket-analysis';

/**
 * Why a candidate matched a query: the evidence the duplicate probability is computed from, kept with
 * every result so a decision can be explained and audited.
 */
export interface MatchSignals {
  /** Field-weighted cosine over all lexical fields, 0..1: the retrieval score. */
  readonly lexical: number;
  /** Cosine of the two titles. */
  readonly title: number;
  /** Cosine of the two whole reports (title and description words). */
  readonly words: number;
  /** Cosine of the identifiers both mention (class, exception, file names, config keys, error codes). */
  readonly identifiers: number;
  /** Cosine of adjacent word pairs. */
  readonly bigrams: number;
  /** 1-based position among the query's candidates by `lexical`. */
  readonly lexicalRank: number;
  /** `lexical` minus the best other candidate's: positive only for a clear first place. */
  readonly lexicalMargin: number;
  /**
   * How far `lexical` stands above the query's other candidates, in units of their spread (standard
   * deviation plus a floor), within ±10. A duplicate stands out from the crowd; a report that merely shares
   * a template or a topic with many tickets does not. 0 when there are too few other candidates to tell.
   */
  readonly lexicalStandout: number;
  /** The share of the query's title, by term weight (IDF), that the candidate's report mentions, 0..1. */
  readonly queryTitleCoverage: number;
  /** The share of the candidate's title, by term weight (IDF), that the query's report mentions, 0..1. */
  readonly candidateTitleCoverage: number;
  /** Days between the two tickets' creation, when both times are known. */
  readonly daysApart?: number;
  /** Cosine of the two sentence embeddings, when an embedding provider is configured. */
  readonly embedding?: number;
  /** The most telling identifiers both mention, strongest first. */
  readonly sharedIdentifiers: readonly string[];
}

/** The per-field similarities of two tickets and their weighted sum. */
export interface FieldSimilarities {
  readonly lexical: number;
  readonly title: number;
  readonly words: number;
  readonly identifiers: number;
  readonly bigrams: number;
}

export function fieldSimilarities(query: FieldVectors, candidate: FieldVectors, weights: FieldWeights): FieldSimilarities {
  const title = cosineSimilarity(query.title, candidate.title);
  const words = cosineSimilarity(query.words, candidate.words);
  const identifiers = cosineSimilarity(query.identifiers, candidate.identifiers);
  const bigrams = cosineSimilarity(query.bigrams, candidate.bigrams);
  const byField = { title, words, identifiers, bigrams };
  const lexical = fieldNames.reduce((sum, field) => sum + weights[field] * byField[field], 0);
  return { lexical: Math.min(1, lexical), ...byField };
}

// Below this many other candidates their mean and spread say little, so no candidate is said to stand out.
const minimumOthersForStandout = 5;
// The spread never counts as less than this, so a candidate among near-identical weak ones (all about 0.02)
// does not stand out merely for scoring 0.1.
const standoutSpreadFloor = 0.05;
const standoutLimit = 10;

/**
 * `lexicalStandout` for each of a query's candidates, given all of their `lexical` scores: how many spreads
 * each lies above the mean of the others (see `MatchSignals.lexicalStandout`).
 *
 * @example lexicalStandouts([0.6, 0.1, 0.1, 0.1, 0.1, 0.1])[0] // (0.6 - 0.1) / (0 + 0.05) = 10
 */
export function lexicalStandouts(scores: readonly number[]): number[] {
  const others = scores.length - 1;
  if (others < minimumOthersForStandout) return scores.map(() => 0);
  const sum = scores.reduce((total, score) => total + score, 0);
  // Two passes per candidate (a pool is a few dozen): the one-pass variance formula loses the spread of
  // near-equal scores to rounding.
  return scores.map((score, position) => {
    const mean = (sum - score) / others;
    let squares = 0;
    for (const [i, other] of scores.entries()) if (i !== position) squares += (other - mean) ** 2;
    const standout = (score - mean) / (Math.sqrt(squares / others) + standoutSpreadFloor);
    return Math.max(-standoutLimit, Math.min(standoutLimit, standout));
  });
}

const millisecondsPerDay = 86_400_000;

export function daysBetween(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const difference = Math.abs(Date.parse(a) - Date.parse(b));
  return Number.isFinite(difference) ? difference / millisecondsPerDay : undefined;
}
