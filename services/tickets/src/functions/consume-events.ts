import { validateEvent } from '@cogdesk/events-schema';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { createWorkflowEventsHandler } from '../consumers/apply-workflow-events';
import { logger, ready, relay, store } from './dependencies';

const apply = createWorkflowEventsHandler({ store, relay, logger });

export const handler = createEventConsumer({
  validate: validateEvent,
  logger,
  // Records of one ticket still run in order; different tickets' changes share the relay's publish runs.
  concurrency: 10,
  handle: async (event) => {
    await ready();
    await apply(event);
  },
});

export { dispose } from './dependencies';
