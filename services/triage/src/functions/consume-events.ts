import { validateEvent, type CogdeskEvent } from '@cogdesk/events-schema';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { logger, triage } from './dependencies';

/** Learns from labelled history as it happens: imports and every label a person sets or corrects. */
export const handler = createEventConsumer({
  validate: validateEvent,
  logger,
  handle: (event) => {
    triage.learnFrom(event as CogdeskEvent);
    return Promise.resolve();
  },
});
