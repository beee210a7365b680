import type OpenAI from 'openai';
import { EmbeddingRequestError, type EmbeddingProvider } from './ports';

export interface OpenAiEmbeddingProviderOptions {
  /** Any OpenAI-compatible API, e.g. https://api.openai.com/v1 or a local server's /v1. */
  readonly baseURL: string;
  readonly apiKey: string;
  readonly model: string;
  /** Sent as `dimensions` (models that can shorten their vectors honour it) and checked on every vector. */
  readonly dimensions: number;
  /** Texts per request; default 128 (OpenAI takes up to 2,048 and 300,000 tokens per request). */
  readonly batchSize?: number;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** Retries of rate-limited (429), conflicting, timed-out and 5xx requests, with the SDK's backoff; default 2. */
  readonly maxRetries?: number;
}

/**
 * Embeddings from any OpenAI-compatible endpoint through the official `openai` client, a batch of texts per
 * request. Floats are asked for explicitly: the client's default (base64) is not honoured by every
 * compatible server, and a server that ignores it would have its numbers decoded as bytes.
 */
export class OpenAiEmbeddingProvider implements EmbeddingProvider {
  readonly model: string;
  readonly dimensions: number;
  private readonly batchSize: number;
  private loading: Promise<OpenAI> | undefined;

  constructor(private readonly options: OpenAiEmbeddingProviderOptions) {
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.batchSize = Math.max(1, options.batchSize ?? 128);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  private async embedBatch(input: string[]): Promise<Float32Array[]> {
    const client = await this.client();
    let response: OpenAI.CreateEmbeddingResponse;
    try {
      response = await client.embeddings.create({ model: this.model, input, dimensions: this.dimensions, encoding_format: 'float' });
    } catch (error) {
      throw this.failure(error);
    }
    const vectors = new Array<Float32Array | undefined>(input.length);
    for (const item of response.data) {
      const { embedding, index } = item as { embedding: unknown; index: unknown };
      if (typeof index !== 'number' || index < 0 || index >= input.length || !Array.isArray(embedding)) {
        throw new EmbeddingRequestError(this.model, 200, 'the response is not a list of embeddings by input index');
      }
      if (embedding.length !== this.dimensions) {
        throw new EmbeddingRequestError(this.model, 200, `returned ${embedding.length} dimensions, asked for ${this.dimensions}`);
      }
      vectors[index] = Float32Array.from(embedding as number[]);
    }
    return Array.from(vectors, (vector, index) => {
      if (vector === undefined) throw new EmbeddingRequestError(this.model, 200, `the response has no embedding for input ${index}`);
      return vector;
    });
  }

  private failure(error: unknown): Error {
    const status = (error as { status?: unknown }).status;
    const message = error instanceof Error ? error.message : String(error);
    return new EmbeddingRequestError(this.model, typeof status === 'number' ? status : undefined, message, { cause: error });
  }

  // The client is loaded on first use, so a service configured without it never pays for it.
  private client(): Promise<OpenAI> {
    this.loading ??= import('openai').then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          baseURL: this.options.baseURL,
          apiKey: this.options.apiKey,
          timeout: this.options.timeoutMs ?? 10_000,
          maxRetries: this.options.maxRetries ?? 2,
        }),
    );
    return this.loading;
  }
}
