/** The triage service built once per container from the environment serverless.yml declares. */
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@cogdesk/shared/config';
import { createLogger } from '@cogdesk/shared/observability/logger';
import { createMetrics } from '@cogdesk/shared/observability/metrics';
import { z } from 'zod';
import { localTriageProvider } from '../adapters/local-provider';
import { TriageService, type LearningState } from '../application/triage-service';
import { TriageModel, type TriageModelSnapshot } from '../domain/triage-model';
import { DebouncedJsonFile } from '@cogdesk/shared/persistence/debounced-json-file';
import { createTriageProvider, loadTriageProviderConfig } from './provider-config';

const config = loadConfig(z.object({ TRIAGE_DATA_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'cogdesk-triage')) }));
const providerConfig = loadTriageProviderConfig();

export const logger = createLogger('triage');
interface StoredTriage {
  model: TriageModelSnapshot;
  state: LearningState;
}
const modelFile = path.join(config.TRIAGE_DATA_DIR, 'triage-model.json');
const stored = DebouncedJsonFile.read<StoredTriage>(modelFile);
const model = stored ? TriageModel.fromJSON(stored.model) : new TriageModel();
const state: LearningState = stored?.state ?? { labels: {}, versions: {} };
const storage = new DebouncedJsonFile<StoredTriage>(modelFile, () => ({ model: model.toJSON(), state }));
const provider = createTriageProvider(providerConfig, { local: localTriageProvider(model), logger, metrics: createMetrics('Cogdesk', 'triage') });
export const triage = new TriageService(model, provider, state, storage);
logger.info('triage model loaded', { examples: model.size, directory: config.TRIAGE_DATA_DIR, provider: provider.name });
