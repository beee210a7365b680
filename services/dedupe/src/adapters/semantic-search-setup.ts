/**
 * Semantic search as the environment configures it: which embedding provider and which vector index, and
 * the upkeep of that index (opened on first use, rebuilt when lost, saved after changes).
 */
import { envDurationMs, envInteger, envUrl } from '@cogdesk/shared/config';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import { z } from 'zod';
import type { DuplicateDetector } from '../domain/duplicate-detector';
import { embeddingInput } from '../domain/ticket-analysis';
import type { SemanticSearch } from '../similar-tickets';
import { BedrockEmbeddingProvider, titanDimensions, titanTextEmbeddingsV2 } from './bedrock-embedding-provider';
import { EnergeticEmbeddingProvider } from './energetic-embedding-provider';
import { OpenAiEmbeddingProvider } from './openai-embedding-provider';
import { OpenSearchVectorIndex } from './opensearch-vector-index';
import type { EmbeddingProvider, VectorIndex, VectorMatch } from './ports';

const localModelDimensions = new EnergeticEmbeddingProvider().dimensions;

/** The variables, for `loadConfig`; refine the object with `requireSemanticSearchVariables`. */
export const semanticSearchVariables = {
  /** `none` (default: the lexical detector alone), `local` (offline npm model), `bedrock` (Titan v2) or `openai`. */
  DEDUPE_EMBEDDINGS: z.enum(['none', 'local', 'bedrock', 'openai']).default('none'),
  /** `local` (hnswlib, saved under DEDUPE_DATA_DIR) or `opensearch` (OpenSearch Serverless). */
  DEDUPE_VECTOR_INDEX: z.enum(['local', 'opensearch']).default('local'),
  /** Bedrock: 256, 512 or 1024 (default 1024). OpenAI-compatible: required, sent as `dimensions`. */
  DEDUPE_EMBEDDING_DIMENSIONS: envInteger({ min: 1, max: 16_000 }).optional(),
  DEDUPE_EMBEDDING_TIMEOUT: envDurationMs().default(10_000),
  DEDUPE_EMBEDDING_MAX_RETRIES: envInteger({ min: 0, max: 10 }).default(2),
  DEDUPE_BEDROCK_EMBEDDING_MODEL: z.string().trim().min(1).default(titanTextEmbeddingsV2),
  DEDUPE_OPENAI_BASE_URL: envUrl().default('https://api.openai.com/v1'),
  DEDUPE_OPENAI_MODEL: z.string().trim().min(1).optional(),
  DEDUPE_OPENAI_API_KEY: z.string().min(1).optional(),
  /** The collection endpoint, https://<collection-id>.<region>.aoss.amazonaws.com */
  DEDUPE_OPENSEARCH_ENDPOINT: envUrl().optional(),
  /** Default: named after the embedding model and its dimensions, so another model starts another index. */
  DEDUPE_OPENSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a lowercase index name (a-z, 0-9, _ and -)')
    .optional(),
  /** The region OpenSearch requests are signed for (Lambda sets it). */
  AWS_REGION: z.string().trim().min(1).optional(),
};

type SemanticSearchVariables = z.output<z.ZodObject<typeof semanticSearchVariables>>;

/** What each choice needs: a variable missing for the configured provider or index is a configuration error. */
export function requireSemanticSearchVariables(config: SemanticSearchVariables, context: z.RefinementCtx): void {
  const required = (name: keyof SemanticSearchVariables, because: string) => {
    if (config[name] === undefined) context.addIssue({ code: 'custom', path: [name], message: `required ${because}` });
  };
  const dimensions = config.DEDUPE_EMBEDDING_DIMENSIONS;
  const wrongDimensions = (message: string) => context.addIssue({ code: 'custom', path: ['DEDUPE_EMBEDDING_DIMENSIONS'], message });
  switch (config.DEDUPE_EMBEDDINGS) {
    case 'none':
      return;
    case 'local':
      if (dimensions !== undefined && dimensions !== localModelDimensions) {
        wrongDimensions(`the local model's vectors have ${localModelDimensions} dimensions`);
      }
      break;
    case 'bedrock':
      if (dimensions !== undefined && !titanDimensions.includes(dimensions)) wrongDimensions(`expected ${titanDimensions.join(', ')} for Titan v2`);
      break;
    case 'openai':
      required('DEDUPE_OPENAI_MODEL', 'when DEDUPE_EMBEDDINGS=openai');
      required('DEDUPE_OPENAI_API_KEY', 'when DEDUPE_EMBEDDINGS=openai');
      required('DEDUPE_EMBEDDING_DIMENSIONS', 'when DEDUPE_EMBEDDINGS=openai');
      break;
    default: {
      const _exhaustive: never = config.DEDUPE_EMBEDDINGS;
      return _exhaustive;
    }
  }
  if (config.DEDUPE_VECTOR_INDEX === 'opensearch') {
    required('DEDUPE_OPENSEARCH_ENDPOINT', 'when DEDUPE_VECTOR_INDEX=opensearch');
    required('AWS_REGION', 'when DEDUPE_VECTOR_INDEX=opensearch');
  }
}

/** The configured embedding provider; undefined for `none`. */
export function embeddingProviderFrom(config: SemanticSearchVariables): EmbeddingProvider | undefined {
  const remote = { timeoutMs: config.DEDUPE_EMBEDDING_TIMEOUT, maxRetries: config.DEDUPE_EMBEDDING_MAX_RETRIES };
  switch (config.DEDUPE_EMBEDDINGS) {
    case 'none':
      return undefined;
    case 'local':
      return new EnergeticEmbeddingProvider();
    case 'bedrock':
      return new BedrockEmbeddingProvider({
        ...remote,
        model: config.DEDUPE_BEDROCK_EMBEDDING_MODEL,
        ...(config.DEDUPE_EMBEDDING_DIMENSIONS === undefined ? {} : { dimensions: config.DEDUPE_EMBEDDING_DIMENSIONS }),
      });
    case 'openai':
      return new OpenAiEmbeddingProvider({
        ...remote,
        baseURL: config.DEDUPE_OPENAI_BASE_URL,
        apiKey: requiredValue(config, 'DEDUPE_OPENAI_API_KEY'),
        model: requiredValue(config, 'DEDUPE_OPENAI_MODEL'),
        dimensions: requiredValue(config, 'DEDUPE_EMBEDDING_DIMENSIONS'),
      });
    default: {
      const _exhaustive: never = config.DEDUPE_EMBEDDINGS;
      return _exhaustive;
    }
  }
}

/** Opens the configured vector index for the provider's vectors (the local one under `directory`). */
export async function openVectorIndex(config: SemanticSearchVariables, embeddings: EmbeddingProvider, directory: string): Promise<VectorIndex> {
  const name = vectorIndexName(embeddings);
  switch (config.DEDUPE_VECTOR_INDEX) {
    case 'local': {
      // hnswlib is a native addon: loaded only when this index is chosen.
      const { HnswVectorIndex } = await import('./hnsw-vector-index');
      return HnswVectorIndex.open({ directory, name, dimensions: embeddings.dimensions });
    }
    case 'opensearch':
      return OpenSearchVectorIndex.open({
        endpoint: requiredValue(config, 'DEDUPE_OPENSEARCH_ENDPOINT'),
        region: requiredValue(config, 'AWS_REGION'),
        index: config.DEDUPE_OPENSEARCH_INDEX ?? name,
        dimensions: embeddings.dimensions,
      });
    default: {
      const _exhaustive: never = config.DEDUPE_VECTOR_INDEX;
      return _exhaustive;
    }
  }
}

/** `tickets-<model>-<dimensions>`, lowercase: vectors of another model or size never share an index. */
export function vectorIndexName(embeddings: Pick<EmbeddingProvider, 'model' | 'dimensions'>): string {
  const model = embeddings.model.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `tickets-${model}-${embeddings.dimensions}`;
}

function requiredValue<K extends keyof SemanticSearchVariables>(config: SemanticSearchVariables, name: K): NonNullable<SemanticSearchVariables[K]> {
  const value = config[name];
  // requireSemanticSearchVariables reports it first, with every other missing variable.
  if (value === undefined || value === null) throw new Error(`${name} is required`);
  return value;
}

export interface SemanticSearchUpkeepOptions {
  readonly detector: DuplicateDetector;
  readonly logger: AppLogger;
  /** Changes are saved at most this often; default 1 s. */
  readonly saveDelayMs?: number;
}

/**
 * Semantic search with its vector index opened on first use (and again on the next use after a failed
 * attempt, e.g. an unreachable collection). When the index opens empty while the lexical index holds
 * tickets (its file was lost, or semantic search was just switched on or to another model), every ticket is
 * re-embedded from the text the lexical snapshot keeps, in the background. The index is not saved until that
 * restore completes, so a restore cut short starts over at the next start instead of leaving a partial
 * index that looks whole.
 */
export class SemanticSearchUpkeep {
  readonly search: SemanticSearch;
  private opening: Promise<VectorIndex> | undefined;
  private opened: VectorIndex | undefined;
  private restoring: Promise<number> | undefined;
  private savesHeld = false;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly embeddings: EmbeddingProvider,
    private readonly open: () => Promise<VectorIndex>,
    private readonly options: SemanticSearchUpkeepOptions,
  ) {
    this.search = {
      embeddings,
      vectors: new OpeningVectorIndex(() => this.index(), () => this.opened?.size ?? 0),
      onUnavailable: (error) => options.logger.warn('semantic search failed; this lookup uses lexical candidates only', { error }),
    };
  }

  /** Opens the index; resolves once any restore it needed is done, with how many tickets were re-embedded. */
  async ready(): Promise<number> {
    await this.index();
    return this.restoring ?? 0;
  }

  /** Schedules a save of the vector index after a change. */
  changed(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, this.options.saveDelayMs ?? 1000);
    this.saveTimer.unref();
  }

  private index(): Promise<VectorIndex> {
    this.opening ??= this.open().then(
      (index) => {
        // Decided here, before any caller waiting for the index gets it and changes it.
        if (index.size === 0 && this.options.detector.size > 0) {
          this.restoring = this.restore(index);
          this.restoring.catch(() => undefined); // logged by restore; ready() still reports it
        }
        this.opened = index;
        return index;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  private async restore(index: VectorIndex): Promise<number> {
    this.savesHeld = true;
    const started = Date.now();
    const { detector, logger } = this.options;
    logger.info('vector index is empty: re-embedding the tickets of the lexical index', { tickets: detector.size, model: this.embeddings.model });
    try {
      const restored = await restoreSemanticIndex(detector, { embeddings: this.embeddings, vectors: index });
      await index.save();
      this.savesHeld = false;
      logger.info('vector index rebuilt', { tickets: restored, ms: Date.now() - started });
      return restored;
    } catch (error) {
      logger.error('vector index rebuild failed; it is not saved, so the next start rebuilds it again', { error });
      throw error;
    }
  }

  private async save(): Promise<void> {
    if (this.opened === undefined || this.savesHeld) return;
    try {
      await this.opened.save();
    } catch (error) {
      this.options.logger.error('vector index save failed', { error });
    }
  }
}

// The port, forwarding to the index once it is open.
class OpeningVectorIndex implements VectorIndex {
  constructor(
    private readonly index: () => Promise<VectorIndex>,
    private readonly openedSize: () => number,
  ) {}

  get size(): number {
    return this.openedSize();
  }

  async upsert(id: string, vector: Float32Array): Promise<void> {
    return (await this.index()).upsert(id, vector);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.index()).remove(id);
  }

  async query(vector: Float32Array, k: number): Promise<VectorMatch[]> {
    return (await this.index()).query(vector, k);
  }

  async save(): Promise<void> {
    return (await this.index()).save();
  }
}

/**
 * Embeds every ticket of the lexical index into `semantic.vectors`, a batch at a time, from the title and
 * description its snapshot keeps (what `SimilarTickets` embeds). A ticket changed or deleted while its batch
 * was being embedded keeps what its own event indexed. Returns how many tickets were embedded.
 */
export async function restoreSemanticIndex(detector: DuplicateDetector, semantic: SemanticSearch, batchSize = 32): Promise<number> {
  const { tickets } = detector.snapshot();
  let restored = 0;
  for (let start = 0; start < tickets.length; start += batchSize) {
    const inputs = tickets.slice(start, start + batchSize).map((ticket) => ({ ticketId: ticket.ticketId, text: embeddingInput(ticket) }));
    const vectors = await semantic.embeddings.embed(inputs.map((input) => input.text));
    for (const [i, { ticketId, text }] of inputs.entries()) {
      const current = detector.get(ticketId);
      const vector = vectors[i];
      if (current === undefined || vector === undefined || embeddingInput(current) !== text) continue;
      await semantic.vectors.upsert(ticketId, vector);
      restored += 1;
    }
  }
  return restored;
}
