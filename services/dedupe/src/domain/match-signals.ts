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

const millisecondsPerDay = 86_400_000;

export function daysBetween(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const difference = Math.abs(Date.parse(a) - Date.parse(b));
  return Number.isFinite(difference) ? difference / millisecondsPerDay : undefined;
}
