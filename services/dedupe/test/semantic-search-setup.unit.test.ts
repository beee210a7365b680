import { ConfigError, loadConfig } from '@cogdesk/shared/config';
import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BedrockEmbeddingProvider } from '../src/adapters/bedrock-embedding-provider';
import { EnergeticEmbeddingProvider } from '../src/adapters/energetic-embedding-provider';
import { OpenAiEmbeddingProvider } from '../src/adapters/openai-embedding-provider';
import type { VectorIndex } from '../src/adapters/ports';
import { InMemoryVectorIndex, TopicEmbeddings } from './semantic-fakes';
import {
  embeddingProviderFrom,
  requireSemanticSearchVariables,
  restoreSemanticIndex,
  SemanticSearchUpkeep,
  semanticSearchVariables,
  vectorIndexName,
} from '../src/adapters/semantic-search-setup';
import { DuplicateDetector } from '../src/domain/duplicate-detector';

const schema = z.object(semanticSearchVariables).superRefine(requireSemanticSearchVariables);
const configOf = (env: Record<string, string>) => loadConfig(schema, env);

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    configOf(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('semantic search configuration', () => {
  it('leaves semantic search off by default, with the local index should it be turned on', () => {
    const config = configOf({});
    expect(config.DEDUPE_EMBEDDINGS).toBe('none');
    expect(config.DEDUPE_VECTOR_INDEX).toBe('local');
    expect(embeddingProviderFrom(config)).toBeUndefined();
  });

  it('names every variable the OpenAI-compatible provider needs and lacks', () => {
    expect(problemsOf({ DEDUPE_EMBEDDINGS: 'openai' })).toEqual([
      'DEDUPE_OPENAI_MODEL: required',
      'DEDUPE_OPENAI_API_KEY: required',
      'DEDUPE_EMBEDDING_DIMENSIONS: required',
    ]);
  });

  it('names what the OpenSearch index needs and lacks', () => {
    expect(problemsOf({ DEDUPE_EMBEDDINGS: 'bedrock', DEDUPE_VECTOR_INDEX: 'opensearch' })).toEqual([
      'DEDUPE_OPENSEARCH_ENDPOINT: required',
      'AWS_REGION: required',
    ]);
  });

  it('refuses sizes the chosen model cannot return, and unknown choices', () => {
    expect(problemsOf({ DEDUPE_EMBEDDINGS: 'bedrock', DEDUPE_EMBEDDING_DIMENSIONS: '300' })).toEqual([
      "DEDUPE_EMBEDDING_DIMENSIONS: expected 256, 512, 1024 for Titan v2, got '300'",
    ]);
    expect(problemsOf({ DEDUPE_EMBEDDINGS: 'local', DEDUPE_EMBEDDING_DIMENSIONS: '1024' })).toEqual([
      "DEDUPE_EMBEDDING_DIMENSIONS: the local model's vectors have 512 dimensions, got '1024'",
    ]);
    expect(problemsOf({ DEDUPE_EMBEDDINGS: 'titan' })[0]).toMatch(/^DEDUPE_EMBEDDINGS: .*got 'titan'$/);
    expect(problemsOf({ DEDUPE_VECTOR_INDEX: 'pinecone' })[0]).toMatch(/^DEDUPE_VECTOR_INDEX: .*got 'pinecone'$/);
  });

  it('builds the configured provider', () => {
    const bedrock = embeddingProviderFrom(configOf({ DEDUPE_EMBEDDINGS: 'bedrock', DEDUPE_EMBEDDING_DIMENSIONS: '512' }));
    expect(bedrock).toBeInstanceOf(BedrockEmbeddingProvider);
    expect(bedrock).toMatchObject({ model: 'amazon.titan-embed-text-v2:0', dimensions: 512 });
    expect(embeddingProviderFrom(configOf({ DEDUPE_EMBEDDINGS: 'bedrock' }))?.dimensions).toBe(1024);

    const openai = embeddingProviderFrom(
      configOf({ DEDUPE_EMBEDDINGS: 'openai', DEDUPE_OPENAI_MODEL: 'nomic-embed-text', DEDUPE_OPENAI_API_KEY: 'sk-test', DEDUPE_EMBEDDING_DIMENSIONS: '768' }),
    );
    expect(openai).toBeInstanceOf(OpenAiEmbeddingProvider);
    expect(openai).toMatchObject({ model: 'nomic-embed-text', dimensions: 768 });

    expect(embeddingProviderFrom(configOf({ DEDUPE_EMBEDDINGS: 'local' }))).toBeInstanceOf(EnergeticEmbeddingProvider);
  });

  it('names vector indexes after the model and size, so another model starts another index', () => {
    expect(vectorIndexName({ model: 'amazon.titan-embed-text-v2:0', dimensions: 1024 })).toBe('tickets-amazon-titan-embed-text-v2-0-1024');
    expect(vectorIndexName({ model: 'amazon.titan-embed-text-v2:0', dimensions: 256 })).toBe('tickets-amazon-titan-embed-text-v2-0-256');
  });
});

const printer = { ticketId: 'printer', title: 'Printer jams', description: 'The printer jams on page two.', createdAt: '2024-01-01T00:00:00Z' };
const vpn = { ticketId: 'vpn', title: 'VPN drops', description: 'The vpn drops every hour.', createdAt: '2024-01-02T00:00:00Z' };
const login = { ticketId: 'login', title: 'Cannot log in', description: 'login fails after the update', createdAt: '2024-01-03T00:00:00Z' };

function detectorOf(...tickets: (typeof printer)[]): DuplicateDetector {
  return DuplicateDetector.fromSnapshot({ version: 1, tickets });
}

function upkeepOf(detector: DuplicateDetector, index: VectorIndex, embeddings = new TopicEmbeddings()) {
  const logger = new RecordingLogger();
  const upkeep = new SemanticSearchUpkeep(embeddings, () => Promise.resolve(index), { detector, logger, saveDelayMs: 0 });
  return { upkeep, embeddings, logger };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SemanticSearchUpkeep', () => {
  it('re-embeds every ticket of the lexical index when the vector index opens empty, then saves it', async () => {
    const index = new InMemoryVectorIndex();
    const { upkeep, embeddings } = upkeepOf(detectorOf(printer, vpn, login), index);

    expect(await upkeep.ready()).toBe(3);
    expect([...index.vectors.keys()].sort()).toEqual(['login', 'printer', 'vpn']);
    expect(index.vectors.get('vpn')).toEqual(Float32Array.from([0, 2, 0, 0]));
    expect(embeddings.calls).toEqual([[`Printer jams\nThe printer jams on page two.`, 'VPN drops\nThe vpn drops every hour.', 'Cannot log in\nlogin fails after the update']]);
    expect(index.saves).toBe(1);
  });

  it('leaves an index that holds vectors as it is', async () => {
    const index = new InMemoryVectorIndex();
    await index.upsert('printer', Float32Array.from([1, 0, 0, 0]));
    const { upkeep, embeddings } = upkeepOf(detectorOf(printer, vpn), index);

    expect(await upkeep.ready()).toBe(0);
    expect(embeddings.calls).toEqual([]);
  });

  it('has nothing to restore when the lexical index is empty too', async () => {
    const { upkeep, embeddings } = upkeepOf(new DuplicateDetector(), new InMemoryVectorIndex());
    expect(await upkeep.ready()).toBe(0);
    expect(embeddings.calls).toEqual([]);
  });

  it('opens the index on first use, through the port, and saves changes after a delay', async () => {
    const index = new InMemoryVectorIndex();
    const { upkeep } = upkeepOf(new DuplicateDetector(), index);
    expect(upkeep.search.vectors.size).toBe(0);

    await upkeep.search.vectors.upsert('vpn', Float32Array.from([0, 1, 0, 0]));
    expect(upkeep.search.vectors.size).toBe(1);
    upkeep.changed();
    upkeep.changed();
    await tick();
    expect(index.saves).toBe(1);
  });

  it('holds saves back while a restore runs, so a half-restored index is never written', async () => {
    const index = new InMemoryVectorIndex();
    const embeddings = new TopicEmbeddings();
    let release = () => {};
    embeddings.gate = new Promise((resolve) => (release = resolve));
    const { upkeep } = upkeepOf(detectorOf(printer, vpn), index, embeddings);

    const ready = upkeep.ready();
    await upkeep.search.vectors.upsert('login', Float32Array.from([0, 0, 1, 0]));
    upkeep.changed();
    await tick();
    expect(index.saves).toBe(0);

    release();
    expect(await ready).toBe(2);
    expect(index.saves).toBe(1);
  });

  it('keeps an index whose restore failed unsaved, so the next start restores it again', async () => {
    const index = new InMemoryVectorIndex();
    const embeddings = new TopicEmbeddings();
    embeddings.failing = true;
    const { upkeep, logger } = upkeepOf(detectorOf(printer, vpn), index, embeddings);

    await expect(upkeep.ready()).rejects.toThrow('model unavailable');
    await upkeep.search.vectors.upsert('login', Float32Array.from([0, 0, 1, 0]));
    upkeep.changed();
    await tick();
    expect(index.saves).toBe(0);
    expect(logger.entries.map((entry) => entry.level)).toContain('error');
  });

  it('opens the index again on the next use after a failed attempt', async () => {
    const index = new InMemoryVectorIndex();
    let attempts = 0;
    const upkeep = new SemanticSearchUpkeep(
      new TopicEmbeddings(),
      () => (++attempts === 1 ? Promise.reject(new Error('collection unreachable')) : Promise.resolve(index)),
      { detector: new DuplicateDetector(), logger: new RecordingLogger() },
    );

    await expect(upkeep.search.vectors.query(Float32Array.from([1, 0, 0, 0]), 1)).rejects.toThrow('collection unreachable');
    await upkeep.search.vectors.upsert('printer', Float32Array.from([1, 0, 0, 0]));
    expect(index.vectors.has('printer')).toBe(true);
    expect(attempts).toBe(2);
  });
});

describe('restoreSemanticIndex', () => {
  it('keeps what a ticket changed or deleted during its batch had indexed itself', async () => {
    const detector = detectorOf(printer, vpn, login);
    const index = new InMemoryVectorIndex();
    const embeddings = new TopicEmbeddings();
    let release = () => {};
    embeddings.gate = new Promise((resolve) => (release = resolve));

    const restoring = restoreSemanticIndex(detector, { embeddings, vectors: index });
    // Meanwhile the events of two tickets arrive: one is rewritten, one deleted.
    detector.upsert({ ...vpn, description: 'The disk is full.' });
    await index.upsert('vpn', Float32Array.from([0, 0, 0, 1]));
    detector.remove('login');
    release();

    expect(await restoring).toBe(1);
    expect([...index.vectors.keys()].sort()).toEqual(['printer', 'vpn']);
    expect(index.vectors.get('vpn')).toEqual(Float32Array.from([0, 0, 0, 1]));
  });

  it('embeds in batches', async () => {
    const embeddings = new TopicEmbeddings();
    await restoreSemanticIndex(detectorOf(printer, vpn, login), { embeddings, vectors: new InMemoryVectorIndex() }, 2);
    expect(embeddings.calls.map((batch) => batch.length)).toEqual([2, 1]);
  });
});
