import { PostingList } from './posting-list';
import { emptySparseVector, type SparseVector, type WeightedTerms } from './sparse-vector';
import { fieldNames, type AnalyzedTicket, type FieldName } from './ticket-analysis';
import { topK } from './top-k';

/** One TF-IDF vector per field. */
export type FieldVectors = Readonly<Record<FieldName, SparseVector>>;

/** How much each field counts in the first-pass retrieval score. */
export type FieldWeights = Readonly<Record<FieldName, number>>;

export interface LexicalCandidate {
  readonly id: string;
  /** Field-weighted cosine similarity, 0..1. */
  readonly score: number;
}

interface StoredField {
  readonly termIds: Int32Array;
  readonly frequencies: Float32Array;
}

interface IndexedDocument {
  readonly id: string;
  readonly fields: Readonly<Record<FieldName, StoredField>>;
  /** The title's terms as ids of the `words` field (which holds every title term), ascending. */
  readonly titleWordIds: Int32Array;
}

// A collection that grew or shrank by this fraction since the norms were computed gets them recomputed.
const normDriftTolerance = 0.05;
// Candidates are gathered from the query's rarest terms first, until this many postings have been read:
// common terms have little IDF but the longest postings, so the cost of a query stays bounded as the
// collection grows (the exact rescoring of candidates still counts every term). On the dev data, even a
// budget of 3,000 keeps recall@k unchanged.
const postingBudget = 20_000;
const staleEpoch = -1;
const removedEpoch = -2;

/**
 * An incremental inverted index over analysed tickets, one vocabulary per field. Term weights are sublinear
 * TF (1 + ln tf) times smoothed IDF (ln((N + 1) / (df + 1)) + 1) read from the live collection at query
 * time, so IDF follows every add and remove with no rebuild. `search` gathers candidates from the postings
 * of the query's terms only, so its cost follows those postings, not the collection size.
 */
export class LexicalIndex {
  private readonly termIdsByKey = new Map<string, number>();
  private readonly termKeys: string[] = [];
  private readonly documentFrequencies: number[] = [];
  private readonly postings: PostingList[] = [];
  private readonly documents: (IndexedDocument | undefined)[] = [];
  private readonly documentNumbersById = new Map<string, number>();
  // Per document and field, 1 / norm under the IDF of the document's norm epoch, refreshed lazily once the
  // collection has drifted (see `noteSizeChange`); removed documents carry the `removed` epoch.
  private inverseNorms = new Float64Array(0);
  private normEpochs = new Int32Array(0);
  private normEpoch = 0;
  private sizeAtNormEpoch = 0;
  private scores = new Float64Array(0);

  constructor(private readonly fieldWeights: FieldWeights) {}

  get size(): number {
    return this.documentNumbersById.size;
  }

  has(id: string): boolean {
    return this.documentNumbersById.has(id);
  }

  /** Adds a document, or replaces the one with the same id. */
  upsert(id: string, ticket: AnalyzedTicket): void {
    this.remove(id);
    const documentNumber = this.documents.length;
    const fields = mapFields((field) => this.storeField(field, ticket[field], documentNumber));
    const titleWordIds = Int32Array.from(ticket.title.keys(), (term) => this.termIdFor('words', term)).sort();
    this.documents.push({ id, fields, titleWordIds });
    this.ensureCapacity(this.documents.length);
    this.normEpochs[documentNumber] = staleEpoch;
    this.documentNumbersById.set(id, documentNumber);
    this.noteSizeChange();
  }

  /** Removes a document; false when it was not indexed. */
  remove(id: string): boolean {
    const documentNumber = this.documentNumbersById.get(id);
    if (documentNumber === undefined) return false;
    const document = this.documents[documentNumber]!;
    this.documents[documentNumber] = undefined;
    this.normEpochs[documentNumber] = removedEpoch;
    this.documentNumbersById.delete(id);
    const isLive = (candidate: number) => this.documents[candidate] !== undefined;
    for (const field of fieldNames) {
      for (const termId of document.fields[field].termIds) {
        this.documentFrequencies[termId]! -= 1;
        this.postings[termId]!.noteRemoved(isLive);
      }
    }
    this.noteSizeChange();
    return true;
  }

  /** TF-IDF vectors of a ticket under the current collection statistics (the ticket need not be indexed). */
  vectorize(ticket: AnalyzedTicket): FieldVectors {
    return mapFields((field) => {
      const entries: { termId: number; weight: number }[] = [];
      let normSquared = 0;
      for (const [term, count] of ticket[field]) {
        const termId = this.termIdsByKey.get(termKey(field, term));
        const weight = sublinear(count) * this.idf(termId);
        normSquared += weight * weight;
        // Terms no indexed document has still count in the norm: they are part of what the query says.
        if (termId !== undefined && this.documentFrequencies[termId]! > 0) entries.push({ termId, weight });
      }
      entries.sort((a, b) => a.termId - b.termId);
      return {
        termIds: Int32Array.from(entries, (entry) => entry.termId),
        weights: Float64Array.from(entries, (entry) => entry.weight),
        norm: Math.sqrt(normSquared),
      };
    });
  }

  /** The TF-IDF vectors of an indexed document, or undefined when it is not indexed. */
  vectorsOf(id: string): FieldVectors | undefined {
    const documentNumber = this.documentNumbersById.get(id);
    const document = documentNumber === undefined ? undefined : this.documents[documentNumber];
    if (document === undefined) return undefined;
    return mapFields((field) => {
      const { termIds, frequencies } = document.fields[field];
      if (termIds.length === 0) return emptySparseVector;
      const weights = Float64Array.from(termIds, (termId, i) => frequencies[i]! * this.idf(termId));
      return { termIds, weights, norm: Math.sqrt(weights.reduce((sum, weight) => sum + weight * weight, 0)) };
    });
  }

  /**
   * A ticket's title terms in the `words` vocabulary, each weighted by its IDF there (presence, not
   * frequency), to measure how much of one ticket's title another ticket's report mentions. `total` also
   * counts terms no indexed document holds: they are part of what the title says.
   */
  titleTerms(ticket: AnalyzedTicket): WeightedTerms {
    const entries: { termId: number; weight: number }[] = [];
    let total = 0;
    for (const term of ticket.title.keys()) {
      const termId = this.termIdsByKey.get(termKey('words', term));
      const weight = this.idf(termId);
      total += weight;
      if (termId !== undefined && this.documentFrequencies[termId]! > 0) entries.push({ termId, weight });
    }
    entries.sort((a, b) => a.termId - b.termId);
    return { termIds: Int32Array.from(entries, (entry) => entry.termId), weights: Float64Array.from(entries, (entry) => entry.weight), total };
  }

  /** The title terms of an indexed document (see `titleTerms`), or undefined when it is not indexed. */
  titleTermsOf(id: string): WeightedTerms | undefined {
    const documentNumber = this.documentNumbersById.get(id);
    const document = documentNumber === undefined ? undefined : this.documents[documentNumber];
    if (document === undefined) return undefined;
    const weights = Float64Array.from(document.titleWordIds, (termId) => this.idf(termId));
    return { termIds: document.titleWordIds, weights, total: weights.reduce((sum, weight) => sum + weight, 0) };
  }

  /** The term a field's term id stands for (to explain a match). */
  termOf(termId: number): string | undefined {
    const key = this.termKeys[termId];
    return key?.slice(key.indexOf(':') + 1);
  }

  /** The `limit` indexed documents most similar to the query by field-weighted cosine, best first. */
  search(query: FieldVectors, limit: number, excludeId?: string): LexicalCandidate[] {
    const { scores, inverseNorms, normEpochs } = this;
    const terms: { termId: number; fieldIndex: number; queryWeight: number }[] = [];
    for (const [fieldIndex, field] of fieldNames.entries()) {
      const vector = query[field];
      const fieldWeight = this.fieldWeights[field];
      if (vector.norm === 0 || fieldWeight === 0) continue;
      for (let i = 0; i < vector.termIds.length; i += 1) {
        const termId = vector.termIds[i]!;
        terms.push({ termId, fieldIndex, queryWeight: (fieldWeight * vector.weights[i]! * this.idf(termId)) / vector.norm });
      }
    }
    terms.sort((a, b) => this.documentFrequencies[a.termId]! - this.documentFrequencies[b.termId]!);
    const touched: number[] = [];
    let visited = 0;
    for (const { termId, fieldIndex, queryWeight } of terms) {
      const postings = this.postings[termId]!;
      if (visited > 0 && visited + postings.size > postingBudget) break;
      visited += postings.size;
      for (let p = 0; p < postings.size; p += 1) {
        const documentNumber = postings.documentNumberAt(p);
        const epoch = normEpochs[documentNumber]!;
        if (epoch === removedEpoch) continue;
        if (epoch !== this.normEpoch) this.refreshNorms(documentNumber);
        if (scores[documentNumber] === 0) touched.push(documentNumber);
        const inverseNorm = inverseNorms[documentNumber * fieldNames.length + fieldIndex]!;
        scores[documentNumber]! += queryWeight * postings.frequencyAt(p) * inverseNorm;
      }
    }
    const excluded = excludeId === undefined ? undefined : this.documentNumbersById.get(excludeId);
    const best = topK(
      touched.filter((documentNumber) => documentNumber !== excluded),
      limit,
      (documentNumber) => scores[documentNumber]!,
    );
    const candidates = best.map((documentNumber) => ({
      id: this.documents[documentNumber]!.id,
      score: Math.min(1, scores[documentNumber]!),
    }));
    for (const documentNumber of touched) scores[documentNumber] = 0;
    return candidates;
  }

  private idf(termId: number | undefined): number {
    const documentFrequency = termId === undefined ? 0 : this.documentFrequencies[termId]!;
    return Math.log((this.size + 1) / (documentFrequency + 1)) + 1;
  }

  private storeField(field: FieldName, counts: ReadonlyMap<string, number>, documentNumber: number): StoredField {
    const entries = [...counts].map(([term, count]) => ({ termId: this.termIdFor(field, term), count }));
    entries.sort((a, b) => a.termId - b.termId);
    const termIds = Int32Array.from(entries, (entry) => entry.termId);
    const frequencies = Float32Array.from(entries, (entry) => sublinear(entry.count));
    for (const [i, termId] of termIds.entries()) {
      this.documentFrequencies[termId]! += 1;
      this.postings[termId]!.add(documentNumber, frequencies[i]!);
    }
    return { termIds, frequencies };
  }

  private termIdFor(field: FieldName, term: string): number {
    const key = termKey(field, term);
    const existing = this.termIdsByKey.get(key);
    if (existing !== undefined) return existing;
    const termId = this.postings.length;
    this.termIdsByKey.set(key, termId);
    this.termKeys.push(key);
    this.postings.push(new PostingList());
    this.documentFrequencies.push(0);
    return termId;
  }

  private refreshNorms(documentNumber: number): void {
    const document = this.documents[documentNumber]!;
    for (const [fieldIndex, field] of fieldNames.entries()) {
      const { termIds, frequencies } = document.fields[field];
      let normSquared = 0;
      for (let i = 0; i < termIds.length; i += 1) normSquared += (frequencies[i]! * this.idf(termIds[i])) ** 2;
      this.inverseNorms[documentNumber * fieldNames.length + fieldIndex] = normSquared === 0 ? 0 : 1 / Math.sqrt(normSquared);
    }
    this.normEpochs[documentNumber] = this.normEpoch;
  }

  // Typed arrays indexed by document number grow by doubling, like the postings.
  private ensureCapacity(documents: number): void {
    if (documents <= this.normEpochs.length) return;
    const capacity = Math.max(64, documents * 2);
    const normEpochs = new Int32Array(capacity);
    normEpochs.set(this.normEpochs);
    const inverseNorms = new Float64Array(capacity * fieldNames.length);
    inverseNorms.set(this.inverseNorms);
    this.normEpochs = normEpochs;
    this.inverseNorms = inverseNorms;
    this.scores = new Float64Array(capacity);
  }

  private noteSizeChange(): void {
    if (Math.abs(this.size - this.sizeAtNormEpoch) >= Math.max(1, this.sizeAtNormEpoch * normDriftTolerance)) {
      this.normEpoch += 1;
      this.sizeAtNormEpoch = this.size;
    }
  }
}

function termKey(field: FieldName, term: string): string {
  return `${field}:${term}`;
}

function sublinear(count: number): number {
  return 1 + Math.log(count);
}

function mapFields<T>(valueOf: (field: FieldName) => T): Record<FieldName, T> {
  return { title: valueOf('title'), words: valueOf('words'), identifiers: valueOf('identifiers'), bigrams: valueOf('bigrams') };
}
