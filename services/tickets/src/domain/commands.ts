import type {
  Actor,
  Category,
  Customer,
  Priority,
  TicketStatus,
  TriageError,
  TriageRequestReason,
  TriageResult,
} from '@cogdesk/events-schema';

export type Status = TicketStatus;

/** Everything a decision needs from outside, as data: who acts, when, and how to name new events. */
export interface CommandContext {
  actor: Actor;
  /** ISO-8601 instant of the decision: every event's `time` and the snapshot's `updatedAt`. */
  now: string;
  correlationId: string;
  causationId: string | null;
  newEventId: () => string;
}

/** A historical ticket brought in with its labels (`POST /api/tickets/import`). */
export interface ImportedTicketHistory {
  status: Status;
  createdAt: string;
  /** Its last change in the old system: the best guess for `resolvedAt` when that is missing. */
  updatedAt?: string;
  resolvedAt?: string | null;
}

export interface CreateTicket {
  type: 'CreateTicket';
  ticketId: string;
  title: string;
  description: string;
  priority?: Priority | null;
  category?: Category | null;
  tags?: string[];
  assignee?: string | null;
  customer?: Customer | null;
  imported?: ImportedTicketHistory;
}

/** The fields a person may change; an absent key means "leave as is", null clears. */
export interface TicketFieldChanges {
  title?: string;
  description?: string;
  priority?: Priority | null;
  category?: Category | null;
  tags?: string[];
  assignee?: string | null;
  customer?: Customer | null;
  status?: Status;
}

export interface UpdateTicket {
  type: 'UpdateTicket';
  ticketId: string;
  changes: TicketFieldChanges;
}

export interface ChangeStatus {
  type: 'ChangeStatus';
  ticketId: string;
  to: Status;
  reason?: string;
}

export interface DeleteTicket {
  type: 'DeleteTicket';
  ticketId: string;
}

export interface RequestTriage {
  type: 'RequestTriage';
  ticketId: string;
  reason: TriageRequestReason;
}

/** Records the suggestion of a `ticket.triaged` event. */
export interface ApplyTriage {
  type: 'ApplyTriage';
  ticketId: string;
  result: TriageResult;
  /** For the caller's logs; the events link to the triaged event through `causationId`. */
  executionId?: string;
}

/** Records a `ticket.triage-failed` event. */
export interface RecordTriageFailure {
  type: 'RecordTriageFailure';
  ticketId: string;
  error: TriageError;
  attempts: number;
}

/** From `ticket.duplicate-detected` (an agent) or `POST /api/tickets/{id}/duplicate-of/{otherId}` (a person). */
export interface CloseAsDuplicate {
  type: 'CloseAsDuplicate';
  ticketId: string;
  duplicateOf: string;
  /** The similarity that made an agent decide, shown in the status change's reason. */
  score?: number;
  /**
   * The labels of the ticket it duplicates (the chain passes them): they fill in the priority and category no
   * person set, as a triage would have, so filters and counts by label find the duplicate with its original.
   */
  original?: { priority: Priority | null; category: string | null };
}

/** `DELETE /api/tickets/{id}/duplicate-of`: undo a duplicate close. */
export interface ReopenFromDuplicate {
  type: 'ReopenFromDuplicate';
  ticketId: string;
}

/** Records a `ticket.escalated` event. */
export interface RecordEscalation {
  type: 'RecordEscalation';
  ticketId: string;
  level: number;
  reason: string;
  escalatedAt: string;
}

export type TicketCommand =
  | CreateTicket
  | UpdateTicket
  | ChangeStatus
  | DeleteTicket
  | RequestTriage
  | ApplyTriage
  | RecordTriageFailure
  | CloseAsDuplicate
  | ReopenFromDuplicate
  | RecordEscalation;

export type TicketCommandType = TicketCommand['type'];
