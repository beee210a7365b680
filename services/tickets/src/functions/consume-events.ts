import { validateEvent } from '@cogdesk/events-schema';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { createWorkflowEventsHandler } from '../consumers/apply-workflow-events';
import { logger, ready, relay, store } from './dependencies';

const apply = createWorkflowEventsHandler({ store, relay, logger });

export const handler = createEventConsumer({
  validate: validateEvent,
  logger,
  handle: async (event) => {
    await ready();
    await apply(event);
  },
});
