/** The dedupe service built once per container from the environment serverless.yml declares. */
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@cogdesk/shared/config';
import { createLogger } from '@cogdesk/shared/observability/logger';
import { z } from 'zod';
import { DebouncedJsonFile } from '@cogdesk/shared/persistence/debounced-json-file';
import { DedupeService, type IndexState } from '../application/dedupe-service';
import { defaultDuplicateThreshold, DuplicateDetector, type DedupeSnapshot } from '../domain/duplicate-detector';
import { SimilarTickets } from '../similar-tickets';

const config = loadConfig(
  z.object({
    DEDUPE_DATA_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'cogdesk-dedupe')),
    /** The calibrated probability at or above which the best match is a duplicate. */
    DEDUPE_THRESHOLD: z.coerce.number().min(0).max(1).default(defaultDuplicateThreshold),
  }),
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
const storage = new DebouncedJsonFile<StoredIndex>(indexFile, () => ({ snapshot: detector.snapshot(), state }));
export const dedupe = new DedupeService(new SimilarTickets(detector), state, storage, config.DEDUPE_THRESHOLD);
logger.info('dedupe index loaded', { tickets: detector.size, directory: config.DEDUPE_DATA_DIR });
