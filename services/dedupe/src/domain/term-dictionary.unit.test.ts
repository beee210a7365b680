import { describe, expect, it } from 'vitest';
import { TermDictionary } from './term-dictionary';

describe('TermDictionary', () => {
  it('gives ids in order of first use, one id space for all fields', () => {
    const terms = new TermDictionary();
    expect(terms.idFor('title', 'printer')).toBe(0);
    expect(terms.idFor('words', 'printer')).toBe(1);
    expect(terms.idFor('words', 'jam')).toBe(2);
    expect(terms.idFor('bigrams', 'printer jam')).toBe(3);
    expect(terms.idFor('identifiers', 'printer')).toBe(4);
    expect(terms.idFor('words', 'printer')).toBe(1);
    expect(terms.size).toBe(5);
  });

  it('finds only terms that were given an id, per field', () => {
    const terms = new TermDictionary();
    terms.idFor('words', 'printer');
    terms.idFor('words', 'jam');
    terms.idFor('bigrams', 'printer jam');
    expect(terms.find('words', 'jam')).toBe(1);
    expect(terms.find('title', 'jam')).toBeUndefined();
    expect(terms.find('bigrams', 'printer jam')).toBe(2);
    expect(terms.find('bigrams', 'jam printer')).toBeUndefined();
    expect(terms.find('bigrams', 'printer toner')).toBeUndefined();
  });

  it('tells the term of an id, bigrams included', () => {
    const terms = new TermDictionary();
    const ids = [
      terms.idFor('title', 'printer'),
      terms.idFor('words', 'printer'),
      terms.idFor('words', 'jam'),
      terms.idFor('bigrams', 'printer jam'),
      terms.idFor('identifiers', 'dfsclient.java'),
      terms.idFor('words', 'averyveryverylongwordindeed'),
    ];
    expect(ids.map((termId) => terms.termOf(termId))).toEqual(['printer', 'printer', 'jam', 'printer jam', 'dfsclient.java', 'averyveryverylongwordindeed']);
    expect(terms.termOf(ids.length)).toBeUndefined();
    expect(terms.termOf(-1)).toBeUndefined();
  });

  it('keeps the id of a bigram first seen before its words', () => {
    const terms = new TermDictionary();
    const bigram = terms.idFor('bigrams', 'printer jam');
    const spaceless = terms.idFor('bigrams', 'printerjam');
    terms.idFor('words', 'printer');
    terms.idFor('words', 'jam');
    expect(terms.idFor('bigrams', 'printer jam')).toBe(bigram);
    expect(terms.find('bigrams', 'printer jam')).toBe(bigram);
    expect(terms.find('bigrams', 'printerjam')).toBe(spaceless);
    expect(terms.termOf(bigram)).toBe('printer jam');
  });

  it('holds many bigrams apart', () => {
    const terms = new TermDictionary();
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    for (const word of words) terms.idFor('words', word);
    const ids = new Map<string, number>();
    for (const first of words.slice(0, 100)) for (const second of words.slice(100, 200)) ids.set(`${first} ${second}`, terms.idFor('bigrams', `${first} ${second}`));
    expect(new Set(ids.values()).size).toBe(10_000);
    for (const [bigram, termId] of ids) {
      expect(terms.find('bigrams', bigram)).toBe(termId);
      expect(terms.termOf(termId)).toBe(bigram);
    }
    expect(terms.find('bigrams', 'w150 w50')).toBeUndefined();
  });
});
