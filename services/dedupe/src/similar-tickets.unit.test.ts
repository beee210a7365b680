import { describe, expect, it } from 'vitest';
import type { EmbeddingProvider, VectorIndex, VectorMatch } from './adapters/ports';
import { DuplicateDetector } from './domain/duplicate-detector';
import { SimilarTickets } from './similar-tickets';

// Embeds a text as counts of a few topic words: enough to tell the fake's neighbours apart.
class TopicEmbeddings implements EmbeddingProvider {
  readonly model = 'topic-words';
  readonly topics = ['printer', 'vpn', 'login', 'disk'];
  readonly dimensions = this.topics.length;
  readonly embedded: string[] = [];

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.embedded.push(...texts);
    return Promise.resolve(
      texts.map((text) => Float32Array.from(this.topics, (topic) => text.toLowerCase().split(topic).length - 1)),
    );
  }
}

class InMemoryVectorIndex implements VectorIndex {
  readonly vectors = new Map<string, Float32Array>();

  get size(): number {
    return this.vectors.size;
  }

  upsert(id: string, vector: Float32Array): Promise<void> {
    this.vectors.set(id, vector);
    return Promise.resolve();
  }

  remove(id: string): Promise<boolean> {
    return Promise.resolve(this.vectors.delete(id));
  }

  query(vector: Float32Array, k: number): Promise<VectorMatch[]> {
    const cosine = (a: Float32Array, b: Float32Array) => {
      const dot = a.reduce((sum, value, i) => sum + value * b[i]!, 0);
      return dot / (Math.hypot(...a) * Math.hypot(...b) || 1);
    };
    const matches = [...this.vectors].map(([id, stored]) => ({ id, similarity: cosine(vector, stored) }));
    return Promise.resolve(matches.sort((a, b) => b.similarity - a.similarity).slice(0, k));
  }

  save(): Promise<void> {
    return Promise.resolve();
  }
}

const printer = { ticketId: 'printer', title: 'Printer jams', description: 'The printer jams on page two.', createdAt: '2024-01-01T00:00:00Z' };
const vpn = { ticketId: 'vpn', title: 'VPN drops', description: 'The vpn drops every hour.', createdAt: '2024-01-02T00:00:00Z' };
const query = { title: 'Cannot print', description: 'my printer is stuck', createdAt: '2024-01-03T00:00:00Z' };

async function withSemanticSearch() {
  const embeddings = new TopicEmbeddings();
  const vectors = new InMemoryVectorIndex();
  const service = new SimilarTickets(new DuplicateDetector(), { embeddings, vectors });
  await service.upsert(printer);
  await service.upsert(vpn);
  return { service, embeddings, vectors };
}

describe('SimilarTickets', () => {
  it('answers from lexical candidates alone when the embedding provider fails, and says so', async () => {
    const { service, embeddings, vectors } = await withSemanticSearch();
    const failures: unknown[] = [];
    const degraded = new SimilarTickets(service.detector, {
      embeddings: { ...embeddings, model: embeddings.model, dimensions: embeddings.dimensions, embed: () => Promise.reject(new Error('throttled')) },
      vectors,
      onUnavailable: (error) => failures.push(error),
    });
    const matches = await degraded.findSimilar(query, 2);
    expect(matches[0]?.ticketId).toBe('printer');
    expect(matches[0]?.signals.embedding).toBeUndefined();
    expect(failures).toEqual([new Error('throttled')]);
  });

  it('indexes tickets lexically and by embedding', async () => {
    const { service, vectors } = await withSemanticSearch();
    expect(service.detector.size).toBe(2);
    expect([...vectors.vectors.keys()]).toEqual(['printer', 'vpn']);
  });

  it('brings embedding similarity into the results', async () => {
    const { service } = await withSemanticSearch();
    const [best] = await service.findSimilar(query, 2);
    expect(best?.ticketId).toBe('printer');
    expect(best?.signals.embedding).toBeCloseTo(1, 5);
  });

  it('excludes the queried ticket from its semantic neighbours', async () => {
    const { service } = await withSemanticSearch();
    const results = await service.findSimilar({ ticketId: 'printer' }, 5);
    expect(results.map((result) => result.ticketId)).toEqual(['vpn']);
  });

  it('embeds a ticket once when it is indexed and then looked up', async () => {
    const { service, embeddings } = await withSemanticSearch();
    await service.findSimilar({ ticketId: 'vpn' }, 1);
    await service.compare({ ticketId: 'vpn' }, 'printer');
    expect(embeddings.embedded).toHaveLength(2);
  });

  it('forgets removed tickets in both indexes', async () => {
    const { service, vectors } = await withSemanticSearch();
    expect(await service.remove('printer')).toBe(true);
    expect(vectors.size).toBe(1);
    expect((await service.findSimilar(query, 5)).map((result) => result.ticketId)).not.toContain('printer');
  });

  it('works lexically alone, without embedding signals', async () => {
    const service = new SimilarTickets(new DuplicateDetector());
    await service.upsert(printer);
    await service.upsert(vpn);
    const [best] = await service.findSimilar(query, 1);
    expect(best?.ticketId).toBe('printer');
    expect(best?.signals.embedding).toBeUndefined();
  });
});
