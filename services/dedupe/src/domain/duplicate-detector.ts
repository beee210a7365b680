import { calibrationFeatures, duplicateProbability, selectModel, type CalibrationModel } from './calibration';
import { calibrationModels } from './calibration-models';
import { LexicalIndex, type FieldVectors, type FieldWeights } from './lexical-index';
import { daysBetween, fieldSimilarities, lexicalStandouts, type MatchSignals } from './match-signals';
import { coverage, sharedTermIds, type WeightedTerms } from './sparse-vector';
import { analyzeTicket, type TicketText } from './ticket-analysis';

/** A ticket as the dedupe service indexes it. `createdAt` is ISO 8601; without it no time signal is used. */
export interface TicketDocument extends TicketText {
  readonly ticketId: string;
  readonly createdAt?: string;
}

/**
 * What to find duplicates of: an indexed ticket by id, or a ticket's text (not necessarily indexed; its
 * `ticketId`, when given, is never its own match). For a free-text search pass the text as `title` and
 * `description: ''`, and the search time as `createdAt`.
 */
export type SimilarityQuery =
  | { readonly ticketId: string }
  | (TicketText & { readonly ticketId?: string; readonly createdAt?: string });

/** Nearest tickets by embedding, from a vector index: cosine similarity per ticket id. */
export interface SemanticNeighbour {
  readonly ticketId: string;
  readonly similarity: number;
}

export interface SimilarityOptions {
  readonly semanticNeighbours?: readonly SemanticNeighbour[];
}

export interface CandidateMatch {
  readonly ticketId: string;
  readonly title: string;
  readonly signals: MatchSignals;
}

export interface SimilarTicket extends CandidateMatch {
  /** Calibrated probability, 0..1, that the two tickets report the same problem. */
  readonly score: number;
}

/** The state worth persisting: everything else (vocabulary, IDF, postings) is rebuilt from it. */
export interface DedupeSnapshot {
  readonly version: 1;
  readonly tickets: readonly TicketDocument[];
}

export interface DuplicateDetectorOptions {
  readonly models?: readonly CalibrationModel[];
  readonly fieldWeights?: FieldWeights;
  /**
   * How many lexical candidates are scored in full; the final top k is taken from them. Rank, margin and
   * standout are measured among them, so the shipped calibration assumes the default (30).
   */
  readonly candidatePoolSize?: number;
}

export const defaultDuplicateThreshold = 0.9;

// Retrieval weights: the whole report leads; title, identifiers and bigrams each add what it misses.
// Round numbers on purpose: on the dev data nearby weights score within noise of each other.
export const defaultFieldWeights: FieldWeights = { title: 0.2, words: 0.5, identifiers: 0.15, bigrams: 0.15 };

// Re-ranking by probability can only promote what retrieval gathered: on the dev data a true duplicate
// is among the top 30 lexical candidates for 94% of queries.
const defaultCandidatePoolSize = 30;
const sharedIdentifiersShown = 5;

/** Whether the best match is a duplicate at the threshold (a probability, default 0.9). */
export function isDuplicate(best: SimilarTicket | undefined, threshold = defaultDuplicateThreshold): boolean {
  return best !== undefined && best.score >= threshold;
}

/**
 * Finds tickets that report the same problem. Lexical retrieval over an incremental index gathers
 * candidates; each is then described by its field similarities, how much of each title the other report
 * mentions, its place among the other candidates (rank, margin, how far it stands out from them), how far
 * apart in time the two were created and, when given, embedding similarity; a calibrated logistic model
 * turns that into the probability of a duplicate, which also orders the results.
 */
export class DuplicateDetector {
  private readonly index: LexicalIndex;
  private readonly tickets = new Map<string, TicketDocument>();
  private readonly models: readonly CalibrationModel[];
  private readonly fieldWeights: FieldWeights;
  private readonly candidatePoolSize: number;

  constructor(options: DuplicateDetectorOptions = {}) {
    this.models = options.models ?? calibrationModels;
    this.fieldWeights = options.fieldWeights ?? defaultFieldWeights;
    this.candidatePoolSize = options.candidatePoolSize ?? defaultCandidatePoolSize;
    this.index = new LexicalIndex(this.fieldWeights);
  }

  static fromSnapshot(snapshot: DedupeSnapshot, options: DuplicateDetectorOptions = {}): DuplicateDetector {
    const detector = new DuplicateDetector(options);
    for (const ticket of snapshot.tickets) detector.upsert(ticket);
    return detector;
  }

  get size(): number {
    return this.tickets.size;
  }

  get(ticketId: string): TicketDocument | undefined {
    return this.tickets.get(ticketId);
  }

  /** Indexes a created ticket, or re-indexes an updated one. */
  upsert(ticket: TicketDocument): void {
    this.tickets.set(ticket.ticketId, ticket);
    this.index.upsert(ticket.ticketId, analyzeTicket(ticket));
  }

  /** Forgets a deleted ticket; false when it was not indexed. */
  remove(ticketId: string): boolean {
    this.tickets.delete(ticketId);
    return this.index.remove(ticketId);
  }

  snapshot(): DedupeSnapshot {
    return { version: 1, tickets: [...this.tickets.values()] };
  }

  /** The `k` tickets most likely to be duplicates of the query, most likely first. */
  findSimilar(query: SimilarityQuery, k: number, options: SimilarityOptions = {}): SimilarTicket[] {
    return this.candidates(query, this.candidatePoolSize, options)
      .map((candidate) => this.calibrate(candidate))
      .sort((a, b) => b.score - a.score || b.signals.lexical - a.signals.lexical)
      .slice(0, k);
  }

  /** How likely one particular ticket is a duplicate of the query, judged among the query's other candidates. */
  compare(query: SimilarityQuery, candidateId: string, options: SimilarityOptions = {}): SimilarTicket | undefined {
    const matches = this.candidates(query, this.candidatePoolSize, options, candidateId);
    const match = matches.find((candidate) => candidate.ticketId === candidateId);
    return match === undefined ? undefined : this.calibrate(match);
  }

  /**
   * The `limit` best lexical candidates, plus any semantic neighbours and `alsoInclude`, best lexical
   * match first, with the signals they are judged on but before calibration: what calibration is fitted on.
   * Signals that compare a candidate with the others (rank, margin, standout) are always taken among the
   * full candidate pool (`candidatePoolSize` lexical candidates plus the neighbours), whatever `limit` is.
   */
  candidates(query: SimilarityQuery, limit: number, options: SimilarityOptions = {}, alsoInclude?: string): CandidateMatch[] {
    const resolved = this.resolve(query);
    if (resolved === undefined) return [];
    const neighbours = options.semanticNeighbours ?? [];
    const lexicalIds = this.index.search(resolved.vectors, Math.max(limit, this.candidatePoolSize), resolved.excludeId).map((candidate) => candidate.id);
    const returned = new Set([...lexicalIds.slice(0, limit), ...neighbours.map((neighbour) => neighbour.ticketId)]);
    if (alsoInclude !== undefined) returned.add(alsoInclude);
    const ids = new Set([...lexicalIds, ...returned]);
    if (resolved.excludeId !== undefined) ids.delete(resolved.excludeId);

    const scored = [...ids]
      .flatMap((ticketId) => {
        const ticket = this.tickets.get(ticketId);
        const vectors = this.index.vectorsOf(ticketId);
        if (ticket === undefined || vectors === undefined) return [];
        return [{ ticket, vectors, similarities: fieldSimilarities(resolved.vectors, vectors, this.fieldWeights) }];
      })
      .sort((a, b) => b.similarities.lexical - a.similarities.lexical);
    const standouts = lexicalStandouts(scored.map((candidate) => candidate.similarities.lexical));
    const embeddingOf = semanticSimilarityLookup(neighbours);
    return scored.flatMap(({ ticket, vectors, similarities }, position) => {
      if (!returned.has(ticket.ticketId)) return [];
      const titleTerms = this.index.titleTermsOf(ticket.ticketId);
      const bestOther = scored[position === 0 ? 1 : 0]?.similarities.lexical ?? 0;
      const daysApart = daysBetween(resolved.createdAt, ticket.createdAt);
      const embedding = embeddingOf(ticket.ticketId);
      const signals: MatchSignals = {
        ...similarities,
        lexicalRank: position + 1,
        lexicalMargin: similarities.lexical - bestOther,
        lexicalStandout: standouts[position]!,
        queryTitleCoverage: coverage(resolved.titleTerms, vectors.words),
        candidateTitleCoverage: titleTerms === undefined ? 0 : coverage(titleTerms, resolved.vectors.words),
        ...(daysApart === undefined ? {} : { daysApart }),
        ...(embedding === undefined ? {} : { embedding }),
        sharedIdentifiers: this.sharedIdentifiers(resolved.vectors, vectors),
      };
      return [{ ticketId: ticket.ticketId, title: ticket.title, signals }];
    });
  }

  private calibrate(candidate: CandidateMatch): SimilarTicket {
    const features = calibrationFeatures(candidate.signals);
    return { ...candidate, score: duplicateProbability(selectModel(this.models, features), features) };
  }

  private resolve(query: SimilarityQuery): ResolvedQuery | undefined {
    if (!('title' in query)) {
      const ticket = this.tickets.get(query.ticketId);
      const vectors = this.index.vectorsOf(query.ticketId);
      const titleTerms = this.index.titleTermsOf(query.ticketId);
      if (ticket === undefined || vectors === undefined || titleTerms === undefined) return undefined;
      return { vectors, titleTerms, excludeId: ticket.ticketId, ...(ticket.createdAt === undefined ? {} : { createdAt: ticket.createdAt }) };
    }
    const analyzed = analyzeTicket(query);
    return {
      vectors: this.index.vectorize(analyzed),
      titleTerms: this.index.titleTerms(analyzed),
      ...(query.ticketId === undefined ? {} : { excludeId: query.ticketId }),
      ...(query.createdAt === undefined ? {} : { createdAt: query.createdAt }),
    };
  }

  private sharedIdentifiers(query: FieldVectors, candidate: FieldVectors): string[] {
    return sharedTermIds(query.identifiers, candidate.identifiers)
      .slice(0, sharedIdentifiersShown)
      .flatMap((termId) => this.index.termOf(termId) ?? []);
  }
}

interface ResolvedQuery {
  readonly vectors: FieldVectors;
  readonly titleTerms: WeightedTerms;
  readonly excludeId?: string;
  readonly createdAt?: string;
}

// A ticket missing from the neighbour list is at most as similar as the farthest neighbour listed:
// that bound stands in for its similarity, so lexical candidates still get an embedding signal.
function semanticSimilarityLookup(neighbours: readonly SemanticNeighbour[]): (ticketId: string) => number | undefined {
  if (neighbours.length === 0) return () => undefined;
  const byId = new Map(neighbours.map((neighbour) => [neighbour.ticketId, neighbour.similarity]));
  const bound = Math.min(...byId.values());
  return (ticketId) => byId.get(ticketId) ?? bound;
}
