/**
 * Applies what other services decided about a ticket (triage, duplicate, escalation) to the aggregate,
 * through the same decider as a person's changes, so each lands in the ticket's audit trail. Exactly once:
 * the consumed event's id is recorded in the same write as the change.
 */
import type { CogdeskEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import { handleCommand } from '../application/handle-command';
import { TicketDomainError, type TicketCommand } from '../domain';
import type { OutboxRelay } from '../outbox/outbox-relay';
import type { TicketStore } from '../store/ticket-store';

/** The command a consumed event asks for; null for events this service only listens past. */
export function commandFor(event: CogdeskEvent): TicketCommand | null {
  switch (event.type) {
    case 'ticket.triaged':
      return {
        type: 'ApplyTriage',
        ticketId: event.data.ticketId,
        result: event.data.triage,
        ...(event.data.executionId ? { executionId: event.data.executionId } : {}),
      };
    case 'ticket.triage-failed':
      return { type: 'RecordTriageFailure', ticketId: event.data.ticketId, error: event.data.error, attempts: event.data.attempts };
    case 'ticket.duplicate-detected':
      return { type: 'CloseAsDuplicate', ticketId: event.data.ticketId, duplicateOf: event.data.duplicateOf, score: event.data.score };
    case 'ticket.escalated':
      return {
        type: 'RecordEscalation',
        ticketId: event.data.ticketId,
        level: event.data.level,
        reason: event.data.reason,
        escalatedAt: event.data.escalatedAt,
      };
    case 'ticket.created':
    case 'ticket.updated':
    case 'ticket.status-changed':
    case 'ticket.deleted':
    case 'ticket.triage-requested':
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** A duplicate the chain found takes its original's labels where no person set them: the decider needs them. */
async function withOriginalLabels(command: TicketCommand | null, store: TicketStore): Promise<TicketCommand | null> {
  if (command?.type !== 'CloseAsDuplicate') return command;
  const original = await store.load(command.duplicateOf);
  if (!original || original.state.deleted) return command;
  const { priority, category } = original.state.ticket;
  return { ...command, original: { priority, category } };
}

export function createWorkflowEventsHandler(deps: { store: TicketStore; relay: OutboxRelay; logger: AppLogger; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return async (envelope: EventEnvelope): Promise<void> => {
    const event = envelope as CogdeskEvent;
    const command = await withOriginalLabels(commandFor(event), deps.store);
    if (!command) return;
    try {
      const outcome = await handleCommand(
        deps.store,
        command,
        {
          actor: event.actor,
          now: now().toISOString(),
          correlationId: event.correlationId,
          causationId: event.id,
          newEventId: () => crypto.randomUUID(),
        },
        { appliedEventId: event.id },
      );
      if (outcome.events.length > 0) await deps.relay.flushQuietly([command.ticketId]);
    } catch (error) {
      // A rule said no (the ticket is gone, or a person got there first): retrying cannot change that.
      if (!(error instanceof TicketDomainError)) throw error;
      deps.logger.warn('event not applied to the ticket', { eventId: event.id, type: event.type, reason: error.message });
    }
  };
}
