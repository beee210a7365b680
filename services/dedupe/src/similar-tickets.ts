import type { EmbeddingProvider, VectorIndex } from './adapters/ports';
import type {
  CandidateMatch,
  DuplicateDetector,
  SimilarityOptions,
  SimilarityQuery,
  SimilarTicket,
  TicketDocument,
} from './domain/duplicate-detector';
import { embeddingInput, type TicketText } from './domain/ticket-analysis';

export interface SemanticSearch {
  readonly embeddings: EmbeddingProvider;
  readonly vectors: VectorIndex;
  /** How many nearest neighbours by embedding join the lexical candidates. */
  readonly neighbours?: number;
  /**
   * Told when the embedding provider or vector index fails during a lookup; the lookup then goes on with
   * the lexical candidates alone (scored by the lexical calibration), rather than failing the workflow.
   */
  readonly onUnavailable?: (error: unknown) => void;
}

// As many as the lexical candidates the embedding calibration models were fitted with.
const defaultNeighbours = 10;

// A created ticket is embedded to be indexed and again, moments later, when its duplicates are looked
// up; remembering the latest few vectors saves the second model call.
const recentEmbeddingsKept = 256;

/**
 * The dedupe use cases over the lexical detector and, when configured, semantic search: index a ticket as
 * it is created or updated, forget it when deleted, and find a ticket's likely duplicates.
 */
export class SimilarTickets {
  private readonly recentEmbeddings = new Map<string, Float32Array>();

  constructor(
    readonly detector: DuplicateDetector,
    private readonly semantic?: SemanticSearch,
  ) {}

  async upsert(ticket: TicketDocument): Promise<void> {
    this.detector.upsert(ticket);
    if (this.semantic !== undefined) await this.semantic.vectors.upsert(ticket.ticketId, await this.embed(this.semantic, ticket));
  }

  async remove(ticketId: string): Promise<boolean> {
    const removed = this.detector.remove(ticketId);
    if (this.semantic !== undefined) await this.semantic.vectors.remove(ticketId);
    return removed;
  }

  /** The `k` likeliest duplicates of the query, likeliest first. */
  async findSimilar(query: SimilarityQuery, k: number): Promise<SimilarTicket[]> {
    return this.detector.findSimilar(query, k, await this.similarityOptions(query));
  }

  /** How likely one ticket is a duplicate of the query, e.g. to check a link a person made. */
  async compare(query: SimilarityQuery, candidateId: string): Promise<SimilarTicket | undefined> {
    return this.detector.compare(query, candidateId, await this.similarityOptions(query));
  }

  /** The query's candidates with their signals, before calibration (what calibration is fitted on). */
  async candidates(query: SimilarityQuery, limit: number): Promise<CandidateMatch[]> {
    return this.detector.candidates(query, limit, await this.similarityOptions(query));
  }

  private async similarityOptions(query: SimilarityQuery): Promise<SimilarityOptions> {
    if (this.semantic === undefined) return {};
    const text = 'title' in query ? query : this.detector.get(query.ticketId);
    if (text === undefined) return {};
    let matches;
    try {
      const vector = await this.embed(this.semantic, text);
      matches = await this.semantic.vectors.query(vector, this.semantic.neighbours ?? defaultNeighbours);
    } catch (error) {
      this.semantic.onUnavailable?.(error);
      return {};
    }
    const excluded = 'ticketId' in query ? query.ticketId : undefined;
    const semanticNeighbours = matches
      .filter((match) => match.id !== excluded)
      .map((match) => ({ ticketId: match.id, similarity: match.similarity }));
    return { semanticNeighbours };
  }

  private async embed(semantic: SemanticSearch, ticket: TicketText): Promise<Float32Array> {
    const input = embeddingInput(ticket);
    const cached = this.recentEmbeddings.get(input);
    if (cached !== undefined) return cached;
    const [vector] = await semantic.embeddings.embed([input]);
    if (vector === undefined) throw new Error(`Embedding provider ${semantic.embeddings.model} returned no vector`);
    this.recentEmbeddings.set(input, vector);
    const oldest = this.recentEmbeddings.keys().next();
    if (this.recentEmbeddings.size > recentEmbeddingsKept && oldest.done !== true) this.recentEmbeddings.delete(oldest.value);
    return vector;
  }
}
