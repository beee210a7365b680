import { validateEvent, type CogdeskEvent } from '@cogdesk/events-schema';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { dedupe, logger } from './dependencies';

/** Indexes tickets as they are created and changed, and forgets deleted ones. */
export const handler = createEventConsumer({
  validate: validateEvent,
  logger,
  handle: async (event) => {
    await dedupe.apply(event as CogdeskEvent);
  },
});
