/**
 * The ticket aggregate, event-sourced and pure: `decide(command, state, context) → events`,
 * `evolve(state, event) → state`. The events are the public `ticket.*` v1 envelopes of `@cogdesk/events-schema`.
 */
export type {
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
  Status,
  TicketCommand,
  TicketCommandType,
  TicketFieldChanges,
  UpdateTicket,
} from './commands';
export { decide } from './decide';
export {
  AlreadyDuplicateError,
  DuplicateOfSelfError,
  HTTP_STATUS_OF_KIND,
  InvalidStatusTransitionError,
  NotADuplicateError,
  TicketAlreadyExistsError,
  TicketClosedAsDuplicateError,
  TicketDomainError,
  TicketNotFoundError,
  type TicketDomainErrorKind,
} from './errors';
export { TICKETS_SOURCE, type TicketEvent, type TicketEventType } from './events';
export { evolve, replay } from './evolve';
export { snapshotOf, type TicketState } from './state';
export { canTransition, resolvedAtAfter, STATUS_TRANSITIONS, TICKET_STATUSES } from './status-transitions';
