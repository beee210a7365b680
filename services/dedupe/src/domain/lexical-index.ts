import { DocumentTerms } from './document-terms';
import { PostingLists } from './posting-list';
import { emptySparseVector, type SparseVector, type WeightedTerms } from './sparse-vector';
import { countByte, frequencyOfCountByte, largeCountByte, LargeCounts } from './term-counts';
import { TermDictionary } from './term-dictionary';
import { fieldNames, type AnalyzedTicket, type FieldName } from './ticket-analysis';
import { topK } from './top-k';
import { withRoom } from './typed-arrays';

/** One TF-IDF vector per field. */
export type FieldVectors = Readonly<Record<FieldName, SparseVector>>;

/** How much each field counts in the first-pass retrieval score. */
export type FieldWeights = Readonly<Record<FieldName, number>>;

export interface LexicalCandidate {
  readonly id: string;
  /** Field-weighted cosine similarity, 0..1. */
  readonly score: number;
}

// The segments each document's terms are stored in: one per field, in `fieldNames` order, then the title's
// terms as ids of the `words` field (which holds every title term).
const titleWordsSegment = fieldNames.length;

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
 *
 * Memory is what limits how many tickets one process indexes, so everything per term and per document
 * lives in typed arrays (term ids, a count byte per term, postings in shared arenas) rather than in objects,
 * maps or strings per document (the 100k synthetic tickets of scripts/bench/knn.ts take about 250 MB).
 */
export class LexicalIndex {
  private readonly terms = new TermDictionary();
  private readonly postings = new PostingLists();
  private readonly documents = new DocumentTerms(fieldNames.length + 1);
  private readonly largeCounts = new LargeCounts();
  // Per document number, the id of the document stored there (undefined once removed); numbers are not reused.
  private readonly documentIds: (string | undefined)[] = [];
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
    const documentNumber = this.documentIds.length;
    const termIds: number[] = [];
    const countBytes: number[] = [];
    const segmentEnds: number[] = [];
    for (const field of fieldNames) {
      const entries = [...ticket[field]].map(([term, count]) => ({ termId: this.termIdFor(field, term), count }));
      entries.sort((a, b) => a.termId - b.termId);
      for (const { termId, count } of entries) {
        const byte = countByte(count);
        if (byte === largeCountByte) this.largeCounts.set(documentNumber, termId, count);
        this.postings.add(termId, documentNumber, byte);
        termIds.push(termId);
        countBytes.push(byte);
      }
      segmentEnds.push(termIds.length);
    }
    const titleWordIds = Int32Array.from(ticket.title.keys(), (term) => this.termIdFor('words', term)).sort();
    for (const termId of titleWordIds) {
      termIds.push(termId);
      countBytes.push(0);
    }
    segmentEnds.push(termIds.length);
    this.documents.add(documentNumber, termIds, countBytes, segmentEnds);
    this.documentIds.push(id);
    this.ensureCapacity(this.documentIds.length);
    this.normEpochs[documentNumber] = staleEpoch;
    this.documentNumbersById.set(id, documentNumber);
    this.noteSizeChange();
  }

  /** Removes a document; false when it was not indexed. */
  remove(id: string): boolean {
    const documentNumber = this.documentNumbersById.get(id);
    if (documentNumber === undefined) return false;
    this.documentIds[documentNumber] = undefined;
    this.normEpochs[documentNumber] = removedEpoch;
    this.documentNumbersById.delete(id);
    const isLive = (candidate: number) => this.normEpochs[candidate] !== removedEpoch;
    const { documents } = this;
    const termIds = documents.termIdsOf(documentNumber);
    const end = documents.segmentEnd(documentNumber, fieldNames.length - 1);
    for (let i = documents.segmentStart(documentNumber, 0); i < end; i += 1) this.postings.noteRemoved(termIds[i]!, isLive);
    documents.remove(documentNumber);
    this.largeCounts.forget(documentNumber);
    this.noteSizeChange();
    return true;
  }

  /** TF-IDF vectors of a ticket under the current collection statistics (the ticket need not be indexed). */
  vectorize(ticket: AnalyzedTicket): FieldVectors {
    return mapFields((field) => {
      const entries: { termId: number; weight: number }[] = [];
      let normSquared = 0;
      for (const [term, count] of ticket[field]) {
        const termId = this.terms.find(field, term);
        const weight = sublinear(count) * this.idf(termId);
        normSquared += weight * weight;
        // Terms no indexed document has still count in the norm: they are part of what the query says.
        if (termId !== undefined && this.postings.documentFrequency(termId) > 0) entries.push({ termId, weight });
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
    if (documentNumber === undefined) return undefined;
    return mapFields((field) => {
      const segment = fieldNames.indexOf(field);
      const start = this.documents.segmentStart(documentNumber, segment);
      const termIds = this.documents.termIdsOf(documentNumber).slice(start, this.documents.segmentEnd(documentNumber, segment));
      if (termIds.length === 0) return emptySparseVector;
      const weights = Float64Array.from(termIds, (termId, i) => this.frequencyAt(documentNumber, start + i, termId) * this.idf(termId));
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
      const termId = this.terms.find('words', term);
      const weight = this.idf(termId);
      total += weight;
      if (termId !== undefined && this.postings.documentFrequency(termId) > 0) entries.push({ termId, weight });
    }
    entries.sort((a, b) => a.termId - b.termId);
    return { termIds: Int32Array.from(entries, (entry) => entry.termId), weights: Float64Array.from(entries, (entry) => entry.weight), total };
  }

  /** The title terms of an indexed document (see `titleTerms`), or undefined when it is not indexed. */
  titleTermsOf(id: string): WeightedTerms | undefined {
    const documentNumber = this.documentNumbersById.get(id);
    if (documentNumber === undefined) return undefined;
    const termIds = this.documents.termIdsOf(documentNumber).slice(
      this.documents.segmentStart(documentNumber, titleWordsSegment),
      this.documents.segmentEnd(documentNumber, titleWordsSegment),
    );
    const weights = Float64Array.from(termIds, (termId) => this.idf(termId));
    return { termIds, weights, total: weights.reduce((sum, weight) => sum + weight, 0) };
  }

  /** The term a field's term id stands for (to explain a match). */
  termOf(termId: number): string | undefined {
    return this.terms.termOf(termId);
  }

  /** The `limit` indexed documents most similar to the query by field-weighted cosine, best first. */
  search(query: FieldVectors, limit: number, excludeId?: string): LexicalCandidate[] {
    const { scores, inverseNorms, normEpochs, postings } = this;
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
    terms.sort((a, b) => postings.documentFrequency(a.termId) - postings.documentFrequency(b.termId));
    const touched: number[] = [];
    let visited = 0;
    for (const { termId, fieldIndex, queryWeight } of terms) {
      const size = postings.size(termId);
      if (visited > 0 && visited + size > postingBudget) break;
      visited += size;
      const documentNumbers = postings.documentNumbersOf(termId);
      const countBytes = postings.countBytesOf(termId);
      const start = postings.start(termId);
      for (let p = start; p < start + size; p += 1) {
        const documentNumber = documentNumbers[p]!;
        const epoch = normEpochs[documentNumber]!;
        if (epoch === removedEpoch) continue;
        if (epoch !== this.normEpoch) this.refreshNorms(documentNumber);
        if (scores[documentNumber] === 0) touched.push(documentNumber);
        const inverseNorm = inverseNorms[documentNumber * fieldNames.length + fieldIndex]!;
        const byte = countBytes[p]!;
        const frequency = byte === largeCountByte ? this.largeCounts.frequency(documentNumber, termId) : frequencyOfCountByte[byte]!;
        scores[documentNumber]! += queryWeight * frequency * inverseNorm;
      }
    }
    const excluded = excludeId === undefined ? undefined : this.documentNumbersById.get(excludeId);
    const best = topK(
      touched.filter((documentNumber) => documentNumber !== excluded),
      limit,
      (documentNumber) => scores[documentNumber]!,
    );
    const candidates = best.map((documentNumber) => ({
      id: this.documentIds[documentNumber]!,
      score: Math.min(1, scores[documentNumber]!),
    }));
    for (const documentNumber of touched) scores[documentNumber] = 0;
    return candidates;
  }

  private idf(termId: number | undefined): number {
    const documentFrequency = termId === undefined ? 0 : this.postings.documentFrequency(termId);
    return Math.log((this.size + 1) / (documentFrequency + 1)) + 1;
  }

  // The stored frequency of the term at `position` of the document's stored terms.
  private frequencyAt(documentNumber: number, position: number, termId: number): number {
    const byte = this.documents.countBytesOf(documentNumber)[position]!;
    return byte === largeCountByte ? this.largeCounts.frequency(documentNumber, termId) : frequencyOfCountByte[byte]!;
  }

  private termIdFor(field: FieldName, term: string): number {
    const termId = this.terms.idFor(field, term);
    while (this.postings.termCount <= termId) this.postings.addTerm();
    return termId;
  }

  private refreshNorms(documentNumber: number): void {
    const termIds = this.documents.termIdsOf(documentNumber);
    for (let fieldIndex = 0; fieldIndex < fieldNames.length; fieldIndex += 1) {
      const start = this.documents.segmentStart(documentNumber, fieldIndex);
      const end = this.documents.segmentEnd(documentNumber, fieldIndex);
      let normSquared = 0;
      for (let i = start; i < end; i += 1) {
        const termId = termIds[i]!;
        normSquared += (this.frequencyAt(documentNumber, i, termId) * this.idf(termId)) ** 2;
      }
      this.inverseNorms[documentNumber * fieldNames.length + fieldIndex] = normSquared === 0 ? 0 : 1 / Math.sqrt(normSquared);
    }
    this.normEpochs[documentNumber] = this.normEpoch;
  }

  // Arrays indexed by document number grow with it, by half each time.
  private ensureCapacity(documents: number): void {
    if (documents <= this.normEpochs.length) return;
    this.normEpochs = withRoom(this.normEpochs, documents);
    this.inverseNorms = withRoom(this.inverseNorms, this.normEpochs.length * fieldNames.length);
    this.scores = new Float64Array(this.normEpochs.length);
  }

  private noteSizeChange(): void {
    if (Math.abs(this.size - this.sizeAtNormEpoch) >= Math.max(1, this.sizeAtNormEpoch * normDriftTolerance)) {
      this.normEpoch += 1;
      this.sizeAtNormEpoch = this.size;
    }
  }
}

function sublinear(count: number): number {
  return 1 + Math.log(count);
}

function mapFields<T>(valueOf: (field: FieldName) => T): Record<FieldName, T> {
  return { title: valueOf('title'), words: valueOf('words'), identifiers: valueOf('identifiers'), bigrams: valueOf('bigrams') };
}
