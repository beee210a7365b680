import { describe } from 'vitest';
import { processedEventStoreContract } from './processed-events.contract';
import { InMemoryProcessedEventStore } from './processed-events';

describe('InMemoryProcessedEventStore', () => {
  processedEventStoreContract((timing) => new InMemoryProcessedEventStore(timing));
});
