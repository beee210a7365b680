/** The dedupe service built once per container from the environment serverless.yml declares. */
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@cogdesk/shared/config';
import { createLogger } from '@cogdesk/shared/observability/logger';
import { z } from 'zod';
import { DebouncedJsonFile } from '@cogdesk/shared/persistence/debounced-json-file';
import {
  embeddingProviderFrom,
  openVectorIndex,
  requireSemanticSearchVariables,
  SemanticSearchUpkeep,
  semanticSearchVariables,
} from '../adapters/semantic-search-setup';
import { DedupeService, type DedupeStorage, type IndexState } from '../application/dedupe-service';
import { defaultDuplicateThreshold, DuplicateDetector, type DedupeSnapshot } from '../domain/duplicate-detector';
import { SimilarTickets } from '../similar-tickets';

const config = loadConfig(
  z
    .object({
      DEDUPE_DATA_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'cogdesk-dedupe')),
      /** The calibrated probability at or above which the best match is a duplicate. */
      DEDUPE_THRESHOLD: z.coerce.number().min(0).max(1).default(defaultDuplicateThreshold),
      ...semanticSearchVariables,
    })
    .superRefine(requireSemanticSearchVariables),
);

export const logger = createLogger('dedupe');
interface StoredIndex {
  snapshot: DedupeSnapshot;
  state: IndexState;
}
const indexFile = path.join(config.DEDUPE_DATA_DIR, 'dedupe-index.json');
const stored = DebouncedJsonFile.read<StoredIndex>(indexFile);
const detector = stored ? DuplicateDetector.fromSnapshot(stored.snapshot) : new DuplicateDetector();
const state: IndexState = stored?.state ?? { versions: {} };
const lexicalFile = new DebouncedJsonFile<StoredIndex>(indexFile, () => ({ snapshot: detector.snapshot(), state }));

// Semantic search only when configured: the lexical detector alone leads on the measured data.
const embeddings = embeddingProviderFrom(config);
const semantic =
  embeddings && new SemanticSearchUpkeep(embeddings, () => openVectorIndex(config, embeddings, config.DEDUPE_DATA_DIR), { detector, logger });
const storage: DedupeStorage = {
  changed() {
    lexicalFile.changed();
    semantic?.changed();
  },
};
export const dedupe = new DedupeService(new SimilarTickets(detector, semantic?.search), state, storage, config.DEDUPE_THRESHOLD);
logger.info('dedupe index loaded', {
  tickets: detector.size,
  directory: config.DEDUPE_DATA_DIR,
  embeddings: embeddings?.model ?? 'none',
  ...(embeddings === undefined ? {} : { vectorIndex: config.DEDUPE_VECTOR_INDEX }),
});

/**
 * Settles once semantic search, when configured, has opened its vector index and, if that index was lost,
 * rebuilt it from the lexical index. Never rejects: a failure is logged, and the next use opens it again.
 */
export const semanticSearchReady: Promise<void> =
  semantic === undefined
    ? Promise.resolve()
    : semantic.ready().then(
        () => undefined,
        (error: unknown) => logger.error('semantic search is not ready; the next use tries again', { error }),
      );
