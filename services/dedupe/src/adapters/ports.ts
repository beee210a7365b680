// The two edges of semantic search. Local: an npm sentence encoder and hnswlib on disk. AWS: Bedrock Titan
// embeddings and an OpenSearch Serverless k-NN index (whose hybrid BM25 + k-NN query can later supply
// lexical candidates too; the domain takes neighbours from any source as `SemanticNeighbour`s).

/** Turns texts into fixed-size vectors whose cosine similarity tracks closeness of meaning. */
export interface EmbeddingProvider {
  /** Identifies the model, recorded with results so a score can be traced to what produced it. */
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface VectorMatch {
  readonly id: string;
  /** Cosine similarity, -1..1. */
  readonly similarity: number;
}

/** Approximate nearest-neighbour search over vectors keyed by ticket id. */
export interface VectorIndex {
  /** Live (not removed) vectors. */
  readonly size: number;
  /** Adds a vector, or replaces the one stored under the id. */
  upsert(id: string, vector: Float32Array): Promise<void>;
  /** False when the id was not indexed. */
  remove(id: string): Promise<boolean>;
  /** Up to k nearest vectors, most similar first. */
  query(vector: Float32Array, k: number): Promise<VectorMatch[]>;
  /** Makes every change so far durable. */
  save(): Promise<void>;
}

/** A vector of the wrong length for the index (or model) it meets: the index holds another model's vectors. */
export class VectorDimensionsMismatchError extends Error {
  override readonly name = 'VectorDimensionsMismatchError';

  constructor(expected: number, actual: number) {
    super(`The vector index holds ${expected}-dimensional vectors, got ${actual}`);
  }
}

/**
 * An embedding request that failed for good: refused (4xx), or still failing once retries were spent.
 * `status` is the HTTP status when there was a response.
 */
export class EmbeddingRequestError extends Error {
  override readonly name = 'EmbeddingRequestError';

  constructor(
    readonly model: string,
    readonly status: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${model}: ${message}`, options);
  }
}
