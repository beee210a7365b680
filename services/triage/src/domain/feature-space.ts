import { blockIndexOf, type TermBlock, type TermCounts, termBlocks } from './text-terms';
import type { SparseVector } from './sparse-vector';

export interface FeatureWeights {
  /** Relative weight of each block of text terms and of the sentence embedding, when there is one. */
  readonly blocks: Readonly<Record<TermBlock, number>>;
  readonly embedding: number;
  /**
   * Once there are `pruneFrom` labelled tickets, terms seen in fewer than `minDocumentFrequency` of them are
   * dropped: they cannot generalise and cost memory. A young history keeps them, or it would keep few terms.
   */
  readonly minDocumentFrequency: number;
  readonly pruneFrom: number;
}

// The cue block's weight: 0.3 to 0.7 were within 0.01 of each other in cross-validation inside the learned
// part (scripts/eval/triage-cv.ts); 0.4 lets the cues count without outweighing a ticket's words.
// The declared kind has its own block: raising the cue block's weight to let it count cost CFPB product
// accuracy 0.017. At 0.5, 4 × 5-fold cross-validation on every GitHub dev row (`--all-rows --repeats 4`)
// gave bug/feature/question macro-F1 0.741 → 0.758 (0.8: 0.759); Jira and CFPB reports declare no kind.
export const defaultFeatureWeights: FeatureWeights = {
  blocks: { titleWords: 0.6, words: 1, chars: 1, cues: 0.4, declared: 0.5 },
  embedding: 0.6,
  minDocumentFrequency: 2,
  pruneFrom: 100,
};

interface Column {
  readonly index: number;
  readonly idf: number;
}

/**
 * The TF-IDF space of one fit: which terms are columns and their inverse document frequencies. Each block is
 * sublinear-TF × IDF, scaled to unit length times its weight, and the whole vector to unit length, so no
 * block dominates because it has more terms.
 */
export class FeatureSpace {
  private constructor(
    private readonly columns: ReadonlyMap<number, Column>,
    private readonly embeddingOffset: number,
    readonly embeddingSize: number,
    private readonly weights: FeatureWeights,
  ) {}

  static fit(documents: readonly TermCounts[], embeddingSize: number, weights: FeatureWeights): FeatureSpace {
    const documentFrequency = new Map<number, number>();
    for (const terms of documents) for (const key of terms.keys) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    const columns = new Map<number, Column>();
    const minFrequency = documents.length >= weights.pruneFrom ? weights.minDocumentFrequency : 1;
    for (const [key, frequency] of documentFrequency) {
      if (frequency < minFrequency) continue;
      columns.set(key, { index: columns.size, idf: Math.log((1 + documents.length) / (1 + frequency)) + 1 });
    }
    return new FeatureSpace(columns, columns.size, embeddingSize, weights);
  }

  get dimension(): number {
    return this.embeddingOffset + this.embeddingSize;
  }

  vectorize(terms: TermCounts, embedding?: readonly number[]): SparseVector {
    const withEmbedding = embedding !== undefined && embedding.length === this.embeddingSize && this.embeddingSize > 0;
    const entries: { index: number; value: number; block: number }[] = [];
    const blockNorms = new Float64Array(termBlocks.length + 1);
    terms.keys.forEach((key, i) => {
      const column = this.columns.get(key);
      if (!column) return;
      const block = blockIndexOf(key);
      const value = (1 + Math.log(terms.counts[i]!)) * column.idf;
      entries.push({ index: column.index, value, block });
      blockNorms[block]! += value * value;
    });
    if (withEmbedding) {
      embedding.forEach((value, i) => {
        entries.push({ index: this.embeddingOffset + i, value, block: termBlocks.length });
        blockNorms[termBlocks.length]! += value * value;
      });
    }
    const blockScale = Array.from(blockNorms, (norm, block) => (norm > 0 ? this.blockWeight(block) / Math.sqrt(norm) : 0));
    entries.sort((a, b) => a.index - b.index);
    const values = Float32Array.from(entries, (entry) => entry.value * blockScale[entry.block]!);
    const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
    if (norm > 0) values.forEach((value, i) => (values[i] = value / norm));
    return { indices: Int32Array.from(entries, (entry) => entry.index), values };
  }

  private blockWeight(block: number): number {
    const termBlock = termBlocks[block];
    return termBlock ? this.weights.blocks[termBlock] : this.weights.embedding;
  }
}

