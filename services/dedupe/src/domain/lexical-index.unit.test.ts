import { describe, expect, it } from 'vitest';
import { LexicalIndex, type FieldVectors } from './lexical-index';
import { analyzeTicket } from './ticket-analysis';

const wordsOnly = { title: 0, words: 1, identifiers: 0, bigrams: 0 };

function ticket(title: string, description = '') {
  return analyzeTicket({ title, description });
}

function indexOf(documents: Record<string, string>): LexicalIndex {
  const index = new LexicalIndex(wordsOnly);
  for (const [id, title] of Object.entries(documents)) index.upsert(id, ticket(title));
  return index;
}

function ids(index: LexicalIndex, query: string, limit = 10): string[] {
  return index.search(index.vectorize(ticket(query)), limit).map((candidate) => candidate.id);
}

// The weight a query term gets: sublinear tf (1 for one mention) × the collection's current IDF.
function weightOf(vectors: FieldVectors, index: LexicalIndex, term: string): number | undefined {
  const position = [...vectors.words.termIds].findIndex((termId) => index.termOf(termId) === term);
  return position < 0 ? undefined : vectors.words.weights[position];
}

describe('LexicalIndex', () => {
  it('finds documents sharing the query terms, most similar first', () => {
    const index = indexOf({ a: 'printer jams on page two', b: 'login page is blank', c: 'printer out of toner' });
    expect(ids(index, 'printer jams')).toEqual(['a', 'c']);
  });

  it('scores cosine similarity in 0..1, 1 for the same text', () => {
    const index = indexOf({ a: 'printer jams on page two', b: 'login page is blank' });
    const [best] = index.search(index.vectorize(ticket('printer jams on page two')), 1);
    expect(best?.id).toBe('a');
    expect(best?.score).toBeCloseTo(1, 10);
  });

  it('forgets a removed document', () => {
    const index = indexOf({ a: 'printer jams', b: 'printer toner' });
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.has('a')).toBe(false);
    expect(index.size).toBe(1);
    expect(ids(index, 'printer jams')).toEqual(['b']);
  });

  it('replaces a document on update', () => {
    const index = indexOf({ a: 'printer jams', b: 'login fails' });
    index.upsert('a', ticket('vpn disconnects hourly'));
    expect(index.size).toBe(2);
    expect(ids(index, 'printer jams')).toEqual([]);
    expect(ids(index, 'vpn hourly')).toEqual(['a']);
  });

  it('keeps IDF current as documents come and go', () => {
    const index = indexOf({ a: 'printer jams', b: 'login fails', c: 'vpn drops' });
    const weightWhenRare = weightOf(index.vectorize(ticket('printer')), index, 'printer');
    index.upsert('d', ticket('printer toner'));
    index.upsert('e', ticket('printer driver'));
    const weightWhenCommon = weightOf(index.vectorize(ticket('printer')), index, 'printer');
    expect(weightWhenCommon).toBeLessThan(weightWhenRare!);
    index.remove('d');
    index.remove('e');
    expect(weightOf(index.vectorize(ticket('printer')), index, 'printer')).toBeCloseTo(weightWhenRare!, 10);
  });

  it('drops a term from the query vector once no document holds it, but still counts it in the norm', () => {
    const index = indexOf({ a: 'printer jams', b: 'login fails' });
    index.remove('a');
    const vectors = index.vectorize(ticket('printer'));
    expect(vectors.words.termIds).toHaveLength(0);
    expect(vectors.words.norm).toBeGreaterThan(0);
  });

  it('excludes a given id and honours the limit', () => {
    const index = indexOf({ a: 'disk full', b: 'disk full again', c: 'disk full alert' });
    const query = index.vectorsOf('a')!;
    const found = index.search(query, 1, 'a');
    expect(found).toHaveLength(1);
    expect(found[0]?.id).not.toBe('a');
  });

  it('stays correct after removing most of the collection (postings are compacted)', () => {
    const index = new LexicalIndex(wordsOnly);
    for (let i = 0; i < 50; i += 1) index.upsert(`t${i}`, ticket(`shared term number${i}`));
    for (let i = 0; i < 45; i += 1) index.remove(`t${i}`);
    expect(ids(index, 'shared term', 100).sort()).toEqual(['t45', 't46', 't47', 't48', 't49']);
    expect(ids(index, 'number47')).toEqual(['t47']);
  });

  it('weights a term by its count however large, 1 + ln(count) held to 32 bits', () => {
    const index = new LexicalIndex(wordsOnly);
    index.upsert('a', analyzeTicket({ title: 'printer', description: `${'printer '.repeat(299)}${'jam '.repeat(254)}` }));
    index.upsert('b', ticket('login fails'));
    const vectors = index.vectorsOf('a')!;
    const idf = Math.log(3 / 2) + 1;
    expect(weightOf(vectors, index, 'printer')).toBe(Math.fround(1 + Math.log(300)) * idf);
    expect(weightOf(vectors, index, 'jam')).toBe(Math.fround(1 + Math.log(254)) * idf);
    expect(index.search(index.vectorize(ticket('printer jam')), 5).map((candidate) => candidate.id)).toEqual(['a']);
  });

  it('weights fields as configured', () => {
    const titleOnly = new LexicalIndex({ title: 1, words: 0, identifiers: 0, bigrams: 0 });
    titleOnly.upsert('a', analyzeTicket({ title: 'slow search', description: 'printer' }));
    titleOnly.upsert('b', analyzeTicket({ title: 'printer offline', description: 'search' }));
    expect(titleOnly.search(titleOnly.vectorize(ticket('printer')), 5).map((c) => c.id)).toEqual(['b']);
  });

  it('lists a title’s terms in the words vocabulary, weighted by IDF, unseen terms counting in the total only', () => {
    const index = indexOf({ a: 'printer jams', b: 'printer offline', c: 'login fails' });
    const query = index.titleTerms(ticket('printer smokes'));
    const [printer] = query.termIds;
    expect(query.termIds).toHaveLength(1);
    expect(index.termOf(printer!)).toBe('printer');
    expect(index.vectorsOf('a')!.words.termIds).toContain(printer);
    const idfOf = (documentFrequency: number) => Math.log((3 + 1) / (documentFrequency + 1)) + 1;
    expect(query.weights[0]).toBeCloseTo(idfOf(2), 10);
    expect(query.total).toBeCloseTo(idfOf(2) + idfOf(0), 10);
  });

  it('keeps the title terms of each indexed document, under the current IDF', () => {
    const index = new LexicalIndex(wordsOnly);
    index.upsert('a', analyzeTicket({ title: 'printer jams', description: 'paper tray' }));
    index.upsert('b', analyzeTicket({ title: 'login fails', description: 'printer' }));
    const terms = index.titleTermsOf('a')!;
    expect([...terms.termIds].map((termId) => index.termOf(termId)).sort()).toEqual(['jam', 'printer']);
    expect(terms.total).toBeCloseTo(terms.weights.reduce((sum, weight) => sum + weight, 0), 10);
    const printerWeight = terms.weights[[...terms.termIds].findIndex((termId) => index.termOf(termId) === 'printer')];
    expect(printerWeight).toBeLessThan(Math.max(...terms.weights));
    index.remove('a');
    expect(index.titleTermsOf('a')).toBeUndefined();
  });
});
