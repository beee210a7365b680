// The dedupe service as the evals run it: the lexical detector alone, or with the local embedding model
// and an hnswlib index in a temporary directory (removed on close).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnergeticEmbeddingProvider } from '../../services/dedupe/src/adapters/energetic-embedding-provider';
import { HnswVectorIndex } from '../../services/dedupe/src/adapters/hnsw-vector-index';
import { DuplicateDetector, type DuplicateDetectorOptions } from '../../services/dedupe/src/domain/duplicate-detector';
import { SimilarTickets } from '../../services/dedupe/src/similar-tickets';

export interface OpenedService {
  readonly service: SimilarTickets;
  readonly embeddingModel?: string;
  close(): Promise<void>;
}

export interface ServiceOptions extends DuplicateDetectorOptions {
  readonly useEmbeddings: boolean;
  /** Semantic neighbours per query (the service default when absent). */
  readonly neighbours?: number;
}

export async function openSimilarTickets(options: ServiceOptions): Promise<OpenedService> {
  const detector = new DuplicateDetector(options);
  if (!options.useEmbeddings) return { service: new SimilarTickets(detector), close: () => Promise.resolve() };
  const embeddings = new EnergeticEmbeddingProvider();
  const directory = await mkdtemp(join(tmpdir(), 'cogdesk-dedupe-eval-'));
  const vectors = await HnswVectorIndex.open({ directory, dimensions: embeddings.dimensions });
  return {
    service: new SimilarTickets(detector, {
      embeddings,
      vectors,
      ...(options.neighbours === undefined ? {} : { neighbours: options.neighbours }),
    }),
    embeddingModel: embeddings.model,
    close: () => rm(directory, { recursive: true, force: true }),
  };
}
