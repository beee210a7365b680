/**
 * The events that close a run of the cognitive chain, built from the tasks' results (pure). They carry the
 * triggering event's correlation id and name it as their cause, so a ticket's history reads as one story.
 */
import type { TicketDuplicateDetectedV1, TicketSnapshot, TicketTriagedV1, TicketTriageFailedV1, TriageResult } from '@cogdesk/events-schema';

export const WORKFLOW_SOURCE = 'cogdesk.workflow' as const;

interface Neighbour {
  ticketId: string;
  title?: string;
  score: number;
}

/** What the state machine hands the EmitOutcome task (task contract emit-outcome.v1). */
export type OutcomeInput = {
  ticket: TicketSnapshot;
  executionId: string;
  correlationId: string;
  causationId: string;
} & (
  | { outcome: 'duplicate'; duplicates: { best: Neighbour; threshold: number; neighbours: Neighbour[] } }
  | { outcome: 'triaged'; triage: { result: TriageResult } }
  | { outcome: 'failed'; error: { Error?: string; Cause?: string }; attempts: number }
);

export type OutcomeEvent = TicketDuplicateDetectedV1 | TicketTriagedV1 | TicketTriageFailedV1;

export function outcomeEvent(input: OutcomeInput, context: { id: string; now: string }): OutcomeEvent {
  const envelope = {
    id: context.id,
    version: 1 as const,
    source: WORKFLOW_SOURCE,
    time: context.now,
    subject: input.ticket.id,
    correlationId: input.correlationId,
    causationId: input.causationId,
    actor: { type: 'agent' as const, id: 'cogdesk-workflow' },
  };
  switch (input.outcome) {
    case 'duplicate':
      return {
        ...envelope,
        type: 'ticket.duplicate-detected',
        data: {
          ticketId: input.ticket.id,
          duplicateOf: input.duplicates.best.ticketId,
          score: input.duplicates.best.score,
          threshold: input.duplicates.threshold,
          neighbours: input.duplicates.neighbours.map(neighbourOf),
          executionId: input.executionId,
        },
      };
    case 'triaged':
      return { ...envelope, type: 'ticket.triaged', data: { ticketId: input.ticket.id, triage: input.triage.result, executionId: input.executionId } };
    case 'failed':
      return {
        ...envelope,
        type: 'ticket.triage-failed',
        data: {
          ticketId: input.ticket.id,
          error: { type: input.error.Error ?? 'States.TaskFailed', message: failureMessage(input.error) },
          attempts: input.attempts,
          executionId: input.executionId,
        },
      };
    default: {
      const _exhaustive: never = input;
      return _exhaustive;
    }
  }
}

function neighbourOf(neighbour: Neighbour) {
  return { ticketId: neighbour.ticketId, score: neighbour.score, ...(neighbour.title ? { title: neighbour.title } : {}) };
}

/** Step Functions puts a Lambda error's message inside a JSON `Cause`; people want just the message. */
function failureMessage(error: { Error?: string; Cause?: string }): string {
  try {
    const cause = JSON.parse(error.Cause ?? '') as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') return cause.errorMessage.slice(0, 1000);
  } catch {
    // Not JSON: the cause is the message.
  }
  return (error.Cause ?? error.Error ?? 'unknown error').slice(0, 1000);
}
