import type { Client } from '@opensearch-project/opensearch';
import type { Indices_Create_RequestBody } from '@opensearch-project/opensearch/api/index.js';
import { VectorDimensionsMismatchError, type VectorIndex, type VectorMatch } from './ports';

export interface OpenSearchCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface OpenSearchVectorIndexOptions {
  /** The collection's endpoint, e.g. https://<collection-id>.<region>.aoss.amazonaws.com */
  readonly endpoint: string;
  /** Region the requests are signed for. */
  readonly region: string;
  readonly index: string;
  readonly dimensions: number;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** Retries of throttled (429), capacity-limited (402), unavailable (502-504) and unreachable requests; default 3. */
  readonly maxRetries?: number;
  /** First retry waits up to this long, doubling each time (with jitter); default 200 ms. */
  readonly retryBaseDelayMs?: number;
  /** Default: the AWS SDK's default credential provider chain. */
  readonly getCredentials?: () => Promise<OpenSearchCredentials>;
}

/** A request OpenSearch refused, or that kept failing once retries were spent. */
export class OpenSearchRequestError extends Error {
  override readonly name = 'OpenSearchRequestError';

  constructor(
    readonly status: number | undefined,
    readonly type: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const vectorField = 'embedding';
const retryableStatuses = new Set([402, 429, 502, 503, 504]);
const retryableErrors = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError']);

/**
 * A k-NN index in an OpenSearch Serverless vector search collection, signed with SigV4 for service `aoss`.
 *
 * The index is created on first use when missing: a `knn_vector` field with the provider's dimensions and
 * an HNSW graph on Faiss (what vector collections support; they have no Lucene engine, and Faiss HNSW offers
 * `l2` and `innerproduct`). Vectors are stored and queried at unit length, so their inner product is their
 * cosine similarity, recovered from OpenSearch's score for that space:
 * score = 1 + cos when cos ≥ 0, 1 / (1 − cos) otherwise.
 *
 * Documents are keyed by ticket id, which NextGen vector collections allow; Classic ones refuse custom ids.
 * Writes are durable when acknowledged, so `save` has nothing to do; they become searchable after the
 * collection's refresh interval (seconds). `size` is the count read when the index was opened plus this
 * instance's own creations and deletions: other writers are not seen until it is opened again.
 */
export class OpenSearchVectorIndex implements VectorIndex {
  private count = 0;

  private constructor(
    private readonly client: Client,
    private readonly options: OpenSearchVectorIndexOptions,
  ) {}

  /** Connects, creates the index when it is missing (or checks its dimensions when it is not) and counts it. */
  static async open(options: OpenSearchVectorIndexOptions): Promise<OpenSearchVectorIndex> {
    const vectors = new OpenSearchVectorIndex(await createClient(options), options);
    await vectors.ensureIndex();
    vectors.count = await vectors.countDocuments();
    return vectors;
  }

  get size(): number {
    return this.count;
  }

  async upsert(id: string, vector: Float32Array): Promise<void> {
    const embedding = this.unitVector(vector);
    const { body } = await this.request(`index ${id}`, () =>
      this.client.index({ index: this.options.index, id, body: { [vectorField]: embedding } }),
    );
    if (body.result === 'created') this.count += 1;
  }

  async remove(id: string): Promise<boolean> {
    const { body, statusCode } = await this.request(`delete ${id}`, () =>
      this.client.delete({ index: this.options.index, id }, { ignore: [404] }),
    );
    if (statusCode === 404 || (body as { result?: string }).result !== 'deleted') return false;
    this.count = Math.max(0, this.count - 1);
    return true;
  }

  async query(vector: Float32Array, k: number): Promise<VectorMatch[]> {
    const embedding = this.unitVector(vector);
    if (k <= 0) return [];
    const { body } = await this.request('k-NN query', () =>
      this.client.search({
        index: this.options.index,
        body: { size: k, _source: false, query: { knn: { [vectorField]: { vector: embedding, k } } } },
      }),
    );
    return body.hits.hits.flatMap((hit) =>
      typeof hit._id === 'string' && typeof hit._score === 'number' ? [{ id: hit._id, similarity: cosineFromInnerProductScore(hit._score) }] : [],
    );
  }

  /** Nothing to do: OpenSearch Serverless makes a write durable before acknowledging it. */
  save(): Promise<void> {
    return Promise.resolve();
  }

  private async ensureIndex(): Promise<void> {
    let dimensions = await this.mappedDimensions();
    if (dimensions === undefined) {
      try {
        await this.request('create index', () => this.client.indices.create({ index: this.options.index, body: indexDefinition(this.options.dimensions) }));
        return;
      } catch (error) {
        // Another container created it first: check what it created.
        if (!(error instanceof OpenSearchRequestError && error.type === 'resource_already_exists_exception')) throw error;
      }
      dimensions = await this.mappedDimensions();
    }
    if (dimensions !== this.options.dimensions) throw new VectorDimensionsMismatchError(dimensions ?? 0, this.options.dimensions);
  }

  /** The dimensions of the index's vector field; undefined when there is no such index. */
  private async mappedDimensions(): Promise<number | undefined> {
    const { body, statusCode } = await this.request('read mapping', () =>
      this.client.indices.getMapping({ index: this.options.index }, { ignore: [404] }),
    );
    if (statusCode === 404) return undefined;
    const [mapping] = Object.values(body as Record<string, { mappings?: { properties?: Record<string, { type?: string; dimension?: number }> } }>);
    const field = mapping?.mappings?.properties?.[vectorField];
    if (field?.type !== 'knn_vector' || typeof field.dimension !== 'number') {
      throw new OpenSearchRequestError(statusCode ?? undefined, undefined, `index ${this.options.index} has no knn_vector field "${vectorField}"`);
    }
    return field.dimension;
  }

  private async countDocuments(): Promise<number> {
    const { body } = await this.request('count', () =>
      this.client.search({ index: this.options.index, body: { size: 0, track_total_hits: true, query: { match_all: {} } } }),
    );
    const total = body.hits.total;
    return typeof total === 'number' ? total : (total?.value ?? 0);
  }

  private unitVector(vector: Float32Array): number[] {
    if (vector.length !== this.options.dimensions) throw new VectorDimensionsMismatchError(this.options.dimensions, vector.length);
    const norm = Math.hypot(...vector);
    return Array.from(vector, (value) => (norm > 0 ? value / norm : 0));
  }

  private async request<T>(what: string, send: () => Promise<T>): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 3;
    const baseDelayMs = this.options.retryBaseDelayMs ?? 200;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        const failure = describe(error);
        if (attempt < maxRetries && failure.retryable) {
          await sleep(Math.min(5_000, baseDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2));
          continue;
        }
        throw new OpenSearchRequestError(failure.status, failure.type, `OpenSearch ${what} in ${this.options.index}: ${failure.message}`, { cause: error });
      }
    }
  }
}

/** Inverts OpenSearch's score for the `innerproduct` space (Faiss): 1 + d for d ≥ 0, else 1 / (1 − d). */
export function cosineFromInnerProductScore(score: number): number {
  const cosine = score >= 1 ? score - 1 : 1 - 1 / score;
  return Math.max(-1, Math.min(1, cosine));
}

function indexDefinition(dimensions: number): Indices_Create_RequestBody {
  return {
    settings: { 'index.knn': true },
    mappings: {
      properties: {
        [vectorField]: {
          type: 'knn_vector',
          dimension: dimensions,
          method: { name: 'hnsw', engine: 'faiss', space_type: 'innerproduct', parameters: { m: 16, ef_construction: 128 } },
        },
      },
    },
  };
}

interface Failure {
  status: number | undefined;
  type: string | undefined;
  message: string;
  retryable: boolean;
}

function describe(error: unknown): Failure {
  if (!(error instanceof Error)) return { status: undefined, type: undefined, message: String(error), retryable: false };
  const meta = (error as { meta?: { statusCode?: number; body?: unknown } }).meta;
  const status = error.name === 'ResponseError' ? meta?.statusCode : undefined;
  const cause = (meta?.body as { error?: { type?: string; reason?: string } } | undefined)?.error;
  const type = typeof cause?.type === 'string' ? cause.type : undefined;
  let message = typeof cause?.reason === 'string' ? `${status} ${type}: ${cause.reason}` : error.message;
  if (status === 400 && /document id is not supported/i.test(message)) {
    message += ' (a Classic vector search collection cannot index by document id: use a NextGen vector collection)';
  }
  return {
    status,
    type,
    message,
    retryable: status === undefined ? retryableErrors.has(error.name) : retryableStatuses.has(status),
  };
}

async function createClient(options: OpenSearchVectorIndexOptions): Promise<Client> {
  const [{ Client: OpenSearchClient }, { AwsSigv4Signer }] = await Promise.all([
    import('@opensearch-project/opensearch'),
    import('@opensearch-project/opensearch/aws-v3'),
  ]);
  return new OpenSearchClient({
    ...AwsSigv4Signer({ region: options.region, service: 'aoss', getCredentials: options.getCredentials ?? (await defaultCredentials()) }),
    node: options.endpoint,
    requestTimeout: options.timeoutMs ?? 10_000,
    // Retries are ours, with backoff and for throttling too; the transport's are immediate and skip 429.
    maxRetries: 0,
    // Serverless answers no `HEAD /` ping, and there is one endpoint: never mark it dead.
    resurrectStrategy: 'none',
  });
}

async function defaultCredentials(): Promise<() => Promise<OpenSearchCredentials>> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const provider = defaultProvider();
  return () => provider();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
