import { afterEach, describe, expect, it } from 'vitest';
import { inOrder, jsonBody, recorded, startReplayServer, type RecordedResponse, type ReplayServer, type Responder } from '../../test/replay-server';
import { OpenAiEmbeddingProvider, type OpenAiEmbeddingProviderOptions } from './openai-embedding-provider';

interface EmbeddingsRequest {
  model: string;
  input: string[];
  dimensions: number;
  encoding_format: string;
}

interface EmbeddingsBody {
  data: { object: string; index: number; embedding: number[] }[];
}

const embeddings = () => recorded('openai/embeddings');
const recordedVectors = (embeddings().body as EmbeddingsBody).data.map((item) => Float32Array.from(item.embedding));

/** The recorded response, cut to as many embeddings as the request has inputs. */
const answering: Responder = (request) => {
  const answer = embeddings();
  const body = answer.body as EmbeddingsBody;
  body.data = body.data.slice(0, jsonBody<EmbeddingsRequest>(request).input.length);
  return answer;
};

describe('OpenAiEmbeddingProvider (an OpenAI-compatible endpoint through the official client)', () => {
  let server: ReplayServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function provider(respond: Responder, options: Partial<OpenAiEmbeddingProviderOptions> = {}) {
    server = await startReplayServer(respond);
    return new OpenAiEmbeddingProvider({
      baseURL: `${server.url}/v1`,
      apiKey: 'sk-test',
      model: 'text-embedding-3-small',
      dimensions: 8,
      ...options,
    });
  }

  it('sends the texts as one request for float vectors of the configured size, and reads them back', async () => {
    const openai = await provider(inOrder(embeddings()));
    const vectors = await openai.embed(['Printer jams', 'VPN drops', 'Cannot log in']);

    expect(vectors).toEqual(recordedVectors);
    const [request] = server!.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v1/embeddings');
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(jsonBody<EmbeddingsRequest>(request!)).toEqual({
      model: 'text-embedding-3-small',
      input: ['Printer jams', 'VPN drops', 'Cannot log in'],
      dimensions: 8,
      encoding_format: 'float',
    });
  });

  it('puts each embedding back in its input position, whatever order the server lists them in', async () => {
    const reversed = embeddings();
    (reversed.body as EmbeddingsBody).data.reverse();
    const openai = await provider(inOrder(reversed));

    expect(await openai.embed(['Printer jams', 'VPN drops', 'Cannot log in'])).toEqual(recordedVectors);
  });

  it('batches the texts', async () => {
    const openai = await provider(answering, { batchSize: 2 });
    const vectors = await openai.embed(['a', 'b', 'c', 'd', 'e']);

    expect(vectors).toHaveLength(5);
    expect(server!.requests.map((request) => jsonBody<EmbeddingsRequest>(request).input)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('retries a rate-limited request', async () => {
    const openai = await provider(inOrder(recorded('openai/rate-limit-exceeded'), embeddings()));

    expect(await openai.embed(['Printer jams', 'VPN drops', 'Cannot log in'])).toEqual(recordedVectors);
    expect(server!.requests).toHaveLength(2);
  });

  it('gives up on rate limiting once its retries are spent', async () => {
    const openai = await provider(() => recorded('openai/rate-limit-exceeded'), { maxRetries: 1 });

    await expect(openai.embed(['Printer jams'])).rejects.toMatchObject({
      name: 'EmbeddingRequestError',
      status: 429,
      message: expect.stringContaining('Rate limit reached') as unknown,
    });
    expect(server!.requests).toHaveLength(2);
  });

  it.each([
    ['openai/dimensions-not-supported', 400, 'This model does not support specifying dimensions.'],
    ['openai/invalid-api-key', 401, 'Incorrect API key provided'],
  ])('surfaces a refused request (%s) at once, without retrying it', async (fixture, status, message) => {
    const openai = await provider(() => recorded(fixture));

    await expect(openai.embed(['Printer jams'])).rejects.toMatchObject({
      name: 'EmbeddingRequestError',
      status,
      model: 'text-embedding-3-small',
      message: expect.stringContaining(message) as unknown,
    });
    expect(server!.requests).toHaveLength(1);
  });

  it('rejects vectors of another size than it asked for', async () => {
    const openai = await provider(answering, { dimensions: 16 });
    await expect(openai.embed(['Printer jams'])).rejects.toThrow(/returned 8 dimensions, asked for 16/);
  });

  it('rejects a response missing an input', async () => {
    const short: RecordedResponse = embeddings();
    (short.body as EmbeddingsBody).data.pop();
    const openai = await provider(inOrder(short));
    await expect(openai.embed(['a', 'b', 'c'])).rejects.toThrow(/no embedding for input 2/);
  });
});
