import { afterEach, describe, expect, it } from 'vitest';
import { inOrder, jsonBody, recorded, startReplayServer, type ReplayServer, type Responder } from '../../test/replay-server';
import { BedrockEmbeddingProvider, type BedrockEmbeddingProviderOptions } from './bedrock-embedding-provider';
import { EmbeddingRequestError } from './ports';

interface TitanRequest {
  inputText: string;
  dimensions: number;
  normalize: boolean;
}

const embedded = () => recorded('bedrock/titan-v2-invoke-model');
const recordedVector = (embedded().body as { embedding: number[] }).embedding;

describe('BedrockEmbeddingProvider (Titan Text Embeddings v2 through the Bedrock runtime client)', () => {
  let server: ReplayServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  // The real client over HTTP/2, as it talks to Bedrock, pointed at the replay server.
  async function provider(respond: Responder, options: BedrockEmbeddingProviderOptions = {}, delayMs = 0) {
    server = await startReplayServer(respond, { http2: true, delayMs });
    return new BedrockEmbeddingProvider({ dimensions: 256, ...options, clientConfig: { endpoint: server.url } });
  }

  it("sends Titan v2's InvokeModel request, signed, and reads the vector from its response", async () => {
    const titan = await provider(inOrder(embedded()));
    const [vector] = await titan.embed(['Printer jams on page two']);

    expect(vector).toEqual(Float32Array.from(recordedVector));
    const [request] = server!.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/model/amazon.titan-embed-text-v2%3A0/invoke');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.accept).toBe('application/json');
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(jsonBody<TitanRequest>(request!)).toEqual({ inputText: 'Printer jams on page two', dimensions: 256, normalize: true });
  });

  it('embeds one text per call, a bounded number at once, and keeps the input order', async () => {
    // Each answer marks its vector with the number of the text it embeds.
    const numbered: Responder = (request) => {
      const answer = embedded();
      const body = answer.body as { embedding: number[]; embeddingsByType: { float: number[] } };
      body.embedding[0] = Number(jsonBody<TitanRequest>(request).inputText.split(' ')[1]);
      body.embeddingsByType.float = body.embedding;
      return answer;
    };
    const titan = await provider(numbered, { concurrency: 3 }, 20);
    const vectors = await titan.embed(Array.from({ length: 10 }, (_, i) => `ticket ${i}`));

    expect(vectors.map((vector) => vector[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server!.requests).toHaveLength(10);
    expect(server!.peakConcurrency).toBe(3);
  });

  it("cuts an input to Titan's 50,000 characters without splitting a character", async () => {
    const titan = await provider(() => embedded());
    await titan.embed(['x'.repeat(60_000), `${'a'.repeat(49_999)}😀${'b'.repeat(10)}`]);

    const sent = server!.requests.map((request) => jsonBody<TitanRequest>(request).inputText);
    expect(sent.map((text) => text.length).sort()).toEqual([49_999, 50_000]);
    expect(sent.find((text) => text.startsWith('a'))).toBe('a'.repeat(49_999));
  });

  it('sends a proportionally shorter input when Titan counts more than 8,192 tokens', async () => {
    const titan = await provider(inOrder(recorded('bedrock/validation-too-many-tokens'), embedded()));
    const text = 'lorem ipsum '.repeat(4_000);
    const [vector] = await titan.embed([text]);

    expect(vector).toHaveLength(256);
    const [first, second] = server!.requests.map((request) => jsonBody<TitanRequest>(request).inputText);
    expect(first).toBe(text);
    // 9,875 tokens counted, 8,192 allowed: a little under 8192/9875 of the text.
    expect(second).toBe(text.slice(0, Math.floor(text.length * (8192 / 9875) * 0.95)));
  });

  it('retries a throttled call with backoff', async () => {
    const titan = await provider(inOrder(recorded('bedrock/throttling-exception'), embedded()));
    const [vector] = await titan.embed(['VPN drops every hour']);

    expect(vector).toEqual(Float32Array.from(recordedVector));
    expect(server!.requests).toHaveLength(2);
  });

  it('gives up on throttling once its retries are spent', async () => {
    const titan = await provider(() => recorded('bedrock/throttling-exception'), { maxRetries: 1 });
    const failure = titan.embed(['VPN drops every hour']);

    await expect(failure).rejects.toThrow(EmbeddingRequestError);
    await expect(failure).rejects.toMatchObject({ status: 429, message: expect.stringContaining('ThrottlingException') as unknown });
    expect(server!.requests).toHaveLength(2);
  });

  it('surfaces a refused call (4xx) at once, without retrying it', async () => {
    const titan = await provider(() => recorded('bedrock/access-denied'));
    const failure = titan.embed(['Printer jams']);

    await expect(failure).rejects.toMatchObject({
      name: 'EmbeddingRequestError',
      status: 403,
      model: 'amazon.titan-embed-text-v2:0',
      message: expect.stringContaining("AccessDeniedException: You don't have access to the model") as unknown,
    });
    expect(server!.requests).toHaveLength(1);
  });

  it('rejects a vector of another size than it asked for', async () => {
    const titan = await provider(() => embedded(), { dimensions: 512 });
    await expect(titan.embed(['Printer jams'])).rejects.toThrow(/returned 256 dimensions, asked for 512/);
  });

  it('only asks for the sizes Titan v2 returns', () => {
    expect(() => new BedrockEmbeddingProvider({ dimensions: 300 })).toThrow(RangeError);
  });
});
