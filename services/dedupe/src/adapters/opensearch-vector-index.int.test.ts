import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonBody, recorded, startReplayServer, type RecordedResponse, type ReplayServer, type Responder } from '../../test/replay-server';
import { cosineFromInnerProductScore, OpenSearchRequestError, OpenSearchVectorIndex, type OpenSearchVectorIndexOptions } from './opensearch-vector-index';
import { VectorDimensionsMismatchError } from './ports';

type Routes = Record<string, RecordedResponse[]>;

/** Answers `METHOD /path` with its recorded responses in turn, repeating the last one. */
function routes(table: Routes): Responder {
  const served = new Map<string, number>();
  return (request) => {
    const route = `${request.method} ${request.path.split('?')[0]}`;
    const responses = table[route] ?? [];
    const turn = served.get(route) ?? 0;
    served.set(route, turn + 1);
    return responses[Math.min(turn, responses.length - 1)] ?? { status: 500, body: { message: `no recording for ${route}` } };
  };
}

function countOf(value: number): RecordedResponse {
  const answer = recorded('opensearch/count');
  (answer.body as { hits: { total: { value: number } } }).hits.total.value = value;
  return answer;
}

const existingIndex: Routes = {
  'GET /tickets/_mapping': [recorded('opensearch/get-mapping')],
  'POST /tickets/_search': [recorded('opensearch/count')],
};

describe('OpenSearchVectorIndex (OpenSearch Serverless through the opensearch client, signed for aoss)', () => {
  let server: ReplayServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function open(table: Routes, options: Partial<OpenSearchVectorIndexOptions> = {}) {
    server = await startReplayServer(routes(table));
    return OpenSearchVectorIndex.open({
      endpoint: server.url,
      region: 'us-east-1',
      index: 'tickets',
      dimensions: 4,
      retryBaseDelayMs: 1,
      getCredentials: () => Promise.resolve({ accessKeyId: 'test', secretAccessKey: 'test' }),
      ...options,
    });
  }

  const requestsTo = (route: string) => server!.requests.filter((request) => `${request.method} ${request.path.split('?')[0]}` === route);

  it("creates a missing index on first use: a Faiss HNSW knn_vector of the provider's size, inner product", async () => {
    const vectors = await open({
      'GET /tickets/_mapping': [recorded('opensearch/get-mapping-index-not-found')],
      'PUT /tickets': [recorded('opensearch/create-index')],
      'POST /tickets/_search': [countOf(0)],
    });

    expect(vectors.size).toBe(0);
    const [create] = requestsTo('PUT /tickets');
    expect(jsonBody(create!)).toEqual({
      settings: { 'index.knn': true },
      mappings: {
        properties: {
          embedding: {
            type: 'knn_vector',
            dimension: 4,
            method: { name: 'hnsw', engine: 'faiss', space_type: 'innerproduct', parameters: { m: 16, ef_construction: 128 } },
          },
        },
      },
    });
    expect(create!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/aoss\/aws4_request/);
    // Serverless requires the payload hash in its own header.
    expect(create!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(create!.body).digest('hex'));
  });

  it('opens an existing index of the same size without recreating it, and counts its documents', async () => {
    const vectors = await open(existingIndex);

    expect(vectors.size).toBe(2);
    expect(requestsTo('PUT /tickets')).toHaveLength(0);
    expect(jsonBody(requestsTo('POST /tickets/_search')[0]!)).toEqual({ size: 0, track_total_hits: true, query: { match_all: {} } });
  });

  it('refuses an existing index of vectors of another size', async () => {
    await expect(open(existingIndex, { dimensions: 8 })).rejects.toThrow(VectorDimensionsMismatchError);
  });

  it('takes an index another writer created first as its own', async () => {
    const vectors = await open({
      'GET /tickets/_mapping': [recorded('opensearch/get-mapping-index-not-found'), recorded('opensearch/get-mapping')],
      'PUT /tickets': [recorded('opensearch/create-index-already-exists')],
      'POST /tickets/_search': [countOf(0)],
    });

    expect(vectors.size).toBe(0);
    expect(requestsTo('GET /tickets/_mapping')).toHaveLength(2);
  });

  it('upserts a vector under its ticket id at unit length, counting only new documents', async () => {
    const vectors = await open({
      ...existingIndex,
      'PUT /tickets/_doc/t-1': [recorded('opensearch/index-created'), recorded('opensearch/index-updated')],
    });
    await vectors.upsert('t-1', Float32Array.from([3, 4, 0, 0]));
    expect(vectors.size).toBe(3);
    await vectors.upsert('t-1', Float32Array.from([0, 0, 2, 0]));
    expect(vectors.size).toBe(3);

    expect(requestsTo('PUT /tickets/_doc/t-1').map((request) => jsonBody(request))).toEqual([
      { embedding: [0.6, 0.8, 0, 0] },
      { embedding: [0, 0, 1, 0] },
    ]);
    await expect(vectors.upsert('t-2', new Float32Array(3))).rejects.toThrow(VectorDimensionsMismatchError);
  });

  it('removes by ticket id, and answers false for an id it does not hold', async () => {
    const vectors = await open({
      ...existingIndex,
      'DELETE /tickets/_doc/t-1': [recorded('opensearch/delete-deleted')],
      'DELETE /tickets/_doc/t-9': [recorded('opensearch/delete-not-found')],
    });

    expect(await vectors.remove('t-1')).toBe(true);
    expect(vectors.size).toBe(1);
    expect(await vectors.remove('t-9')).toBe(false);
    expect(vectors.size).toBe(1);
  });

  it('finds the k nearest with a knn query and turns OpenSearch scores back into cosine similarities', async () => {
    const vectors = await open({ ...existingIndex, 'POST /tickets/_search': [recorded('opensearch/count'), recorded('opensearch/knn-search')] });
    const matches = await vectors.query(Float32Array.from([0, 2, 0, 0]), 3);

    expect(matches.map((match) => match.id)).toEqual(['t-1', 't-2', 't-3']);
    expect(matches[0]!.similarity).toBeCloseTo(0.8, 6);
    expect(matches[1]!.similarity).toBeCloseTo(0, 6);
    expect(matches[2]!.similarity).toBeCloseTo(-0.5, 6);
    expect(jsonBody(requestsTo('POST /tickets/_search')[1]!)).toEqual({
      size: 3,
      _source: false,
      query: { knn: { embedding: { vector: [0, 1, 0, 0], k: 3 } } },
    });
  });

  it('inverts both branches of the inner-product score', () => {
    for (const cosine of [1, 0.35, 0, -0.2, -1]) {
      const score = cosine >= 0 ? 1 + cosine : 1 / (1 - cosine);
      expect(cosineFromInnerProductScore(score)).toBeCloseTo(cosine, 10);
    }
  });

  it('retries throttling (429) and a collection at its capacity (402) with backoff', async () => {
    const vectors = await open({
      ...existingIndex,
      'PUT /tickets/_doc/t-1': [recorded('opensearch/too-many-requests'), recorded('opensearch/ocu-capacity-reached'), recorded('opensearch/index-created')],
    });
    await vectors.upsert('t-1', Float32Array.from([1, 0, 0, 0]));

    expect(requestsTo('PUT /tickets/_doc/t-1')).toHaveLength(3);
    expect(vectors.size).toBe(3);
  });

  it('gives up once its retries are spent', async () => {
    const vectors = await open({ ...existingIndex, 'PUT /tickets/_doc/t-1': [recorded('opensearch/too-many-requests')] }, { maxRetries: 2 });

    await expect(vectors.upsert('t-1', Float32Array.from([1, 0, 0, 0]))).rejects.toMatchObject({ status: 429, type: 'rejected_execution_exception' });
    expect(requestsTo('PUT /tickets/_doc/t-1')).toHaveLength(3);
  });

  it.each([
    ['opensearch/document-id-not-supported', 400, /Document ID is not supported.*use a NextGen vector collection/],
    ['opensearch/forbidden', 403, /403 Forbidden/],
  ])('surfaces a refused request (%s) at once, without retrying it', async (fixture, status, message) => {
    const vectors = await open({ ...existingIndex, 'PUT /tickets/_doc/t-1': [recorded(fixture)] });
    const failure = vectors.upsert('t-1', Float32Array.from([1, 0, 0, 0]));

    await expect(failure).rejects.toThrow(OpenSearchRequestError);
    await expect(failure).rejects.toMatchObject({ status, message: expect.stringMatching(message) as unknown });
    expect(requestsTo('PUT /tickets/_doc/t-1')).toHaveLength(1);
  });
});
