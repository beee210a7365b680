import type { BedrockRuntimeClient, BedrockRuntimeClientConfig, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { mapConcurrently } from '@cogdesk/shared/async/map-concurrently';
import { EmbeddingRequestError, type EmbeddingProvider } from './ports';

export const titanTextEmbeddingsV2 = 'amazon.titan-embed-text-v2:0';
/** The sizes Titan Text Embeddings v2 can return. */
export const titanDimensions: readonly number[] = [256, 512, 1024];

// Titan v2 refuses more than 50,000 characters or 8,192 tokens. Characters are cut here; tokens only the
// model can count, so an input it finds too long is cut in proportion to what it reports and sent again.
const maxInputCharacters = 50_000;
const maxTokenRetries = 3;
const tokenOverflow = /too many input tokens/i;
const tokenCounts = /max input tokens:\s*(\d+),\s*request input token count:\s*(\d+)/i;

export interface BedrockEmbeddingProviderOptions {
  /** A Titan Text Embeddings v2 model id or inference profile; default amazon.titan-embed-text-v2:0. */
  readonly model?: string;
  /** 256, 512 or 1024 (default). */
  readonly dimensions?: number;
  /** InvokeModel embeds one text per call: how many calls may run at once (default 8). */
  readonly concurrency?: number;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** Retries of throttled or failed calls, with the SDK's backoff; default 2. */
  readonly maxRetries?: number;
  /**
   * Merged into the client's configuration. Region, credentials and endpoint otherwise come from the
   * environment as for any SDK client (`AWS_REGION`, the default credential chain,
   * `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`).
   */
  readonly clientConfig?: BedrockRuntimeClientConfig;
}

interface TitanEmbeddingResponse {
  embedding?: unknown;
  inputTextTokenCount?: unknown;
}

/**
 * Amazon Titan Text Embeddings v2 through Bedrock's InvokeModel, asking for normalized vectors. The SDK is
 * loaded on first use, so a service configured without it never pays for it.
 */
export class BedrockEmbeddingProvider implements EmbeddingProvider {
  readonly model: string;
  readonly dimensions: number;
  private readonly concurrency: number;
  private loading: Promise<Sdk> | undefined;

  constructor(private readonly options: BedrockEmbeddingProviderOptions = {}) {
    this.model = options.model ?? titanTextEmbeddingsV2;
    this.dimensions = options.dimensions ?? 1024;
    if (!titanDimensions.includes(this.dimensions)) {
      throw new RangeError(`Titan Text Embeddings v2 returns ${titanDimensions.join(', ')} dimensions, not ${this.dimensions}`);
    }
    this.concurrency = Math.max(1, options.concurrency ?? 8);
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return mapConcurrently(texts, this.concurrency, (text) => this.embedOne(text));
  }

  private async embedOne(text: string): Promise<Float32Array> {
    let input = truncate(text, maxInputCharacters);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.invoke(input);
      } catch (error) {
        const shorter = attempt < maxTokenRetries ? shortenedAfter(error, input) : undefined;
        if (shorter === undefined) throw this.failure(error);
        input = shorter;
      }
    }
  }

  private async invoke(inputText: string): Promise<Float32Array> {
    const { client, InvokeModel } = await this.sdk();
    const response = await client.send(
      new InvokeModel({
        modelId: this.model,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify({ inputText, dimensions: this.dimensions, normalize: true }),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(response.body)) as TitanEmbeddingResponse;
    const { embedding } = body;
    if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number')) {
      throw new EmbeddingRequestError(this.model, 200, 'the response has no numeric "embedding"');
    }
    if (embedding.length !== this.dimensions) {
      throw new EmbeddingRequestError(this.model, 200, `returned ${embedding.length} dimensions, asked for ${this.dimensions}`);
    }
    return Float32Array.from(embedding);
  }

  private failure(error: unknown): Error {
    if (error instanceof EmbeddingRequestError) return error;
    const { name, message, status } = describeSdkError(error);
    return new EmbeddingRequestError(this.model, status, `${name}: ${message}`, { cause: error });
  }

  private sdk(): Promise<Sdk> {
    this.loading ??= import('@aws-sdk/client-bedrock-runtime').then(({ BedrockRuntimeClient, InvokeModelCommand }) => ({
      client: new BedrockRuntimeClient({
        maxAttempts: (this.options.maxRetries ?? 2) + 1,
        requestHandler: { requestTimeout: this.options.timeoutMs ?? 10_000 },
        ...this.options.clientConfig,
      }),
      InvokeModel: InvokeModelCommand,
    }));
    return this.loading;
  }
}

interface Sdk {
  client: BedrockRuntimeClient;
  InvokeModel: typeof InvokeModelCommand;
}

/** A prefix the model may accept after it found `input` too long, or undefined for any other error. */
function shortenedAfter(error: unknown, input: string): string | undefined {
  const { name, message } = describeSdkError(error);
  if (name !== 'ValidationException' || !tokenOverflow.test(message)) return undefined;
  const counts = tokenCounts.exec(message);
  const limit = Number(counts?.[1]);
  const count = Number(counts?.[2]);
  // A little under the proportional cut: tokens are not spread evenly through a text.
  const ratio = count > limit && limit > 0 ? (limit / count) * 0.95 : 0.5;
  const shorter = truncate(input, Math.floor(input.length * ratio));
  return shorter.length > 0 && shorter.length < input.length ? shorter : undefined;
}

/** At most `limit` UTF-16 units, never splitting a surrogate pair. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const end = limit > 0 && isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
  return text.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function describeSdkError(error: unknown): { name: string; message: string; status: number | undefined } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), status: undefined };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return { name: error.name, message: error.message, status };
}
