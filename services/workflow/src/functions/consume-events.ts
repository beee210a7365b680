import { validateEvent } from '@cogdesk/events-schema';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { applyTicketEvent } from '../application/ticket-snapshots';
import { logger, ticketSnapshots } from './workflow-dependencies';

/**
 * Keeps the workflow's read model of tickets from ticket events. No processed-event store: the conditional
 * write on the ticket version already makes a repeated or late event change nothing. Subjects are
 * independent, so several are handled at once.
 */
export const handler = createEventConsumer({ validate: validateEvent, logger, handle: applyTicketEvent(ticketSnapshots()), concurrency: 4 });
