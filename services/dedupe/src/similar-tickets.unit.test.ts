import { describe, expect, it } from 'vitest';
import { InMemoryVectorIndex, TopicEmbeddings } from '../test/semantic-fakes';
import { DuplicateDetector } from './domain/duplicate-detector';
import { SimilarTickets } from './similar-tickets';

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
    const degraded = new SimilarTickets(service.detector, { embeddings, vectors, onUnavailable: (error) => failures.push(error) });
    embeddings.failing = true;
    const matches = await degraded.findSimilar(query, 2);
    expect(matches[0]?.ticketId).toBe('printer');
    expect(matches[0]?.signals.embedding).toBeUndefined();
    expect(failures).toEqual([new Error('model unavailable')]);
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
    expect(embeddings.calls.flat()).toHaveLength(2);
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
