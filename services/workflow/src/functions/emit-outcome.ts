import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { validateEvent } from '@cogdesk/events-schema';
import { loadConfig } from '@cogdesk/shared/config';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { createLogger } from '@cogdesk/shared/observability/logger';
import { z } from 'zod';
import { outcomeEvent, type OutcomeInput } from '../application/outcome-events';

const config = loadConfig(z.object({ EVENT_BUS_NAME: z.string().min(1) }));
const logger = createLogger('workflow');
const publisher = createEventPublisher({ client: new EventBridgeClient({}), eventBusName: config.EVENT_BUS_NAME, validate: validateEvent, logger });

/**
 * The EmitOutcome task: publishes the chain's result as a validated event. A Lambda rather than the
 * EventBridge integration because an envelope needs a fresh id, the current time and schema validation.
 */
export async function handler(input: OutcomeInput): Promise<{ eventId: string; type: string }> {
  const event = outcomeEvent(input, { id: randomUUID(), now: new Date().toISOString() });
  await publisher.publish([event]);
  return { eventId: event.id, type: event.type };
}
