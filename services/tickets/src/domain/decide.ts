import type { TicketSnapshot } from '@cogdesk/events-schema';
import type {
  ApplyTriage,
  ChangeStatus,
  CloseAsDuplicate,
  CommandContext,
  CreateTicket,
  DeleteTicket,
  ImportedTicketHistory,
  RecordEscalation,
  RecordTriageFailure,
  ReopenFromDuplicate,
  RequestTriage,
  TicketCommand,
  UpdateTicket,
} from './commands';
import {
  AlreadyDuplicateError,
  DuplicateOfSelfError,
  NotADuplicateError,
  TicketAlreadyExistsError,
  TicketNotFoundError,
} from './errors';
import {
  distinctTags,
  EMPTY_TRIAGE,
  EventRecorder,
  normalizedCustomer,
  sameValue,
  type TicketPatch,
} from './event-recorder';
import { TICKETS_SOURCE, type TicketEvent } from './events';
import type { TicketState } from './state';
import { assertStatusChangeAllowed } from './status-transitions';

/**
 * What happens when `command` meets the ticket in `state` (null: never existed): the events to record, none when
 * nothing changes. Pure: time, ids and the actor come in `context`. Throws a TicketDomainError when a rule forbids it.
 *
 * @example
 *   const events = decide({ type: 'ChangeStatus', ticketId: 't-1', to: 'in_progress' }, state, context);
 *   const next = events.reduce(evolve, state);
 */
export function decide(command: TicketCommand, state: TicketState | null, context: CommandContext): TicketEvent[] {
  switch (command.type) {
    case 'CreateTicket':
      return createTicket(command, state, context);
    case 'UpdateTicket':
      return updateTicket(command, state, context);
    case 'ChangeStatus':
      return changeStatus(command, state, context);
    case 'DeleteTicket':
      return deleteTicket(command, state, context);
    case 'RequestTriage':
      return requestTriage(command, state, context);
    case 'ApplyTriage':
      return applyTriage(command, state, context);
    case 'RecordTriageFailure':
      return recordTriageFailure(command, state, context);
    case 'CloseAsDuplicate':
      return closeAsDuplicate(command, state, context);
    case 'ReopenFromDuplicate':
      return reopenFromDuplicate(command, state, context);
    case 'RecordEscalation':
      return recordEscalation(command, state, context);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function createTicket(command: CreateTicket, state: TicketState | null, context: CommandContext): TicketEvent[] {
  if (state !== null) throw new TicketAlreadyExistsError(command.ticketId);
  const { imported } = command;
  const ticket: TicketSnapshot = {
    id: command.ticketId,
    title: command.title,
    description: command.description,
    status: imported?.status ?? 'open',
    priority: command.priority ?? null,
    category: command.category ?? null,
    tags: distinctTags(command.tags ?? []),
    assignee: command.assignee ?? null,
    customer: normalizedCustomer(command.customer ?? null),
    createdAt: imported?.createdAt ?? context.now,
    updatedAt: context.now,
    resolvedAt: imported ? importedResolvedAt(imported) : null,
    version: 1,
    // A pending triage starts the cognitive chain; an import is history, already labelled, so it stays out of it.
    triage: imported ? null : { ...EMPTY_TRIAGE, recommendedSteps: [] },
    duplicateOf: null,
    escalation: null,
  };
  return [
    {
      id: context.newEventId(),
      type: 'ticket.created',
      version: 1,
      source: TICKETS_SOURCE,
      time: context.now,
      subject: command.ticketId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      actor: { ...context.actor },
      data: { ticket },
    },
  ];
}

function importedResolvedAt(imported: ImportedTicketHistory): string | null {
  if (imported.status !== 'resolved' && imported.status !== 'closed') return null;
  return imported.resolvedAt ?? imported.updatedAt ?? imported.createdAt;
}

function updateTicket(command: UpdateTicket, state: TicketState | null, context: CommandContext): TicketEvent[] {
  const live = requireLive(state, command.ticketId);
  const { status, title, description, priority, category, tags, assignee, customer } = command.changes;
  // Checked before anything is recorded: a refused status refuses the whole update.
  if (status !== undefined && status !== live.ticket.status) assertStatusChangeAllowed(live.ticket, status);

  const recorder = new EventRecorder(live, context);
  const patch: TicketPatch = { title, description, priority, category, assignee };
  if (tags !== undefined) patch.tags = distinctTags(tags);
  if (customer !== undefined) patch.customer = normalizedCustomer(customer);
  const changes = recorder.updated(patch);
  if (status !== undefined) recorder.statusChanged(status);
  // New content means new triage and a fresh dedupe index entry; imports (triage null) stay out of the chain.
  const contentChanged = changes.some((change) => change.field === 'title' || change.field === 'description');
  if (contentChanged && live.ticket.triage !== null) recorder.triageRequested('content-changed');
  return recorder.events;
}

function changeStatus(command: ChangeStatus, state: TicketState | null, context: CommandContext): TicketEvent[] {
  const live = requireLive(state, command.ticketId);
  if (command.to === live.ticket.status) return [];
  assertStatusChangeAllowed(live.ticket, command.to);
  const recorder = new EventRecorder(live, context);
  recorder.statusChanged(command.to, command.reason);
  return recorder.events;
}

function deleteTicket(command: DeleteTicket, state: TicketState | null, context: CommandContext): TicketEvent[] {
  if (state === null) throw new TicketNotFoundError(command.ticketId);
  if (state.deleted) return [];
  const recorder = new EventRecorder(state, context);
  recorder.deleted();
  return recorder.events;
}

function requestTriage(command: RequestTriage, state: TicketState | null, context: CommandContext): TicketEvent[] {
  const recorder = new EventRecorder(requireLive(state, command.ticketId), context);
  recorder.triageRequested(command.reason);
  return recorder.events;
}

function applyTriage(command: ApplyTriage, state: TicketState | null, context: CommandContext): TicketEvent[] {
  const live = liveOrIgnored(state, command.ticketId);
  if (live === null) return [];
  const { result } = command;
  const current = live.ticket.triage;
  const suggestion = {
    priority: result.priority,
    category: result.category,
    confidence: result.confidence,
    estimatedResolutionHours: result.estimatedResolutionHours,
    recommendedSteps: [...result.recommendedSteps],
    model: result.model,
  };
  // A redelivered result changes nothing (only completedAt would differ).
  if (current?.status === 'completed' && sameValue({ ...current, status: undefined, completedAt: undefined }, suggestion)) {
    return [];
  }
  const recorder = new EventRecorder(live, context);
  const patch: TicketPatch = { triage: { status: 'completed', ...suggestion, completedAt: context.now } };
  // The AI never overwrites a person's choice; its suggestion stays visible in `triage`.
  if (!live.setByPerson.priority) patch.priority = result.priority;
  if (!live.setByPerson.category) patch.category = result.category;
  recorder.updated(patch);
  return recorder.events;
}

function recordTriageFailure(
  command: RecordTriageFailure,
  state: TicketState | null,
  context: CommandContext,
): TicketEvent[] {
  const live = liveOrIgnored(state, command.ticketId);
  if (live === null) return [];
  const current = live.ticket.triage;
  // Every request sets triage back to pending first, so a failure meeting `failed` is a redelivery and one meeting
  // `completed` is stale (an older run): neither may hide the suggestion in force.
  if (current?.status === 'failed' || current?.status === 'completed') return [];
  const recorder = new EventRecorder(live, context);
  recorder.updated({ triage: { ...(current ?? EMPTY_TRIAGE), status: 'failed' } });
  return recorder.events;
}

function closeAsDuplicate(command: CloseAsDuplicate, state: TicketState | null, context: CommandContext): TicketEvent[] {
  const byPerson = context.actor.type === 'user';
  // A detection arriving after the ticket was deleted is dropped; a person asking gets a 404.
  const live = byPerson ? requireLive(state, command.ticketId) : liveOrIgnored(state, command.ticketId);
  if (live === null) return [];
  const { ticket } = live;
  if (command.duplicateOf === ticket.id) throw new DuplicateOfSelfError(ticket.id);
  if (ticket.duplicateOf === command.duplicateOf) return [];
  if (ticket.duplicateOf !== null) throw new AlreadyDuplicateError(ticket.id, ticket.duplicateOf, command.duplicateOf);
  // The chain closes only tickets nobody has started on: work a person has begun is theirs to judge. Nor does
  // it link again what a person unlinked (a later edit runs the chain, which finds the same original).
  if (!byPerson && (ticket.status !== 'open' || live.notDuplicateOf.includes(command.duplicateOf))) return [];
  if (ticket.status !== 'closed') assertStatusChangeAllowed(ticket, 'closed');

  const recorder = new EventRecorder(live, context);
  const patch: TicketPatch = { duplicateOf: command.duplicateOf };
  // Like a triage, the original's labels never overwrite a person's choice.
  if (command.original?.priority && !live.setByPerson.priority) patch.priority = command.original.priority;
  if (command.original?.category && !live.setByPerson.category) patch.category = command.original.category;
  recorder.updated(patch);
  const score = command.score === undefined ? '' : ` (similarity ${command.score})`;
  recorder.statusChanged('closed', `duplicate of ${command.duplicateOf}${score}`);
  return recorder.events;
}

function reopenFromDuplicate(
  command: ReopenFromDuplicate,
  state: TicketState | null,
  context: CommandContext,
): TicketEvent[] {
  const live = requireLive(state, command.ticketId);
  const { duplicateOf } = live.ticket;
  if (duplicateOf === null) throw new NotADuplicateError(command.ticketId);
  const restored = live.statusBeforeDuplicate ?? 'open';
  const recorder = new EventRecorder(live, context);
  recorder.updated({ duplicateOf: null });
  // Undoing a close restores the earlier status directly (closed → in_progress is no ordinary transition).
  recorder.statusChanged(restored, `not a duplicate of ${duplicateOf}`);
  return recorder.events;
}

function recordEscalation(command: RecordEscalation, state: TicketState | null, context: CommandContext): TicketEvent[] {
  const live = liveOrIgnored(state, command.ticketId);
  if (live === null) return [];
  const { ticket } = live;
  if (ticket.status === 'resolved' || ticket.status === 'closed') return [];
  // Escalation goes up one level at a time; a level already recorded is a redelivery (or out of order).
  if (ticket.escalation !== null && command.level <= ticket.escalation.level) return [];
  const recorder = new EventRecorder(live, context);
  recorder.updated({ escalation: { level: command.level, escalatedAt: command.escalatedAt, reason: command.reason } });
  return recorder.events;
}

/** A ticket commands may change: it exists and is not deleted. */
function requireLive(state: TicketState | null, ticketId: string): TicketState {
  if (state === null || state.deleted) throw new TicketNotFoundError(ticketId);
  return state;
}

/** For results of the asynchronous chain: a ticket deleted meanwhile ignores them; one that never existed is an error. */
function liveOrIgnored(state: TicketState | null, ticketId: string): TicketState | null {
  if (state === null) throw new TicketNotFoundError(ticketId);
  return state.deleted ? null : state;
}
