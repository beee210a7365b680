import type { Status } from './commands';

/** How the HTTP layer answers a rule the command broke: 404, 409 or 422. */
export type TicketDomainErrorKind = 'not-found' | 'conflict' | 'invalid';

export const HTTP_STATUS_OF_KIND: Readonly<Record<TicketDomainErrorKind, 404 | 409 | 422>> = {
  'not-found': 404,
  conflict: 409,
  invalid: 422,
};

/** A business rule of the ticket aggregate refused a command; the message names the ticket and the rule. */
export abstract class TicketDomainError extends Error {
  abstract readonly kind: TicketDomainErrorKind;

  constructor(
    readonly ticketId: string,
    message: string,
  ) {
    super(message);
  }
}

export class TicketNotFoundError extends TicketDomainError {
  override readonly name = 'TicketNotFoundError';
  readonly kind = 'not-found';

  constructor(ticketId: string) {
    super(ticketId, `Ticket ${ticketId} does not exist or was deleted`);
  }
}

export class TicketAlreadyExistsError extends TicketDomainError {
  override readonly name = 'TicketAlreadyExistsError';
  readonly kind = 'conflict';

  constructor(ticketId: string) {
    super(ticketId, `Ticket ${ticketId} already exists: a ticket id can be created only once`);
  }
}

export class InvalidStatusTransitionError extends TicketDomainError {
  override readonly name = 'InvalidStatusTransitionError';
  readonly kind = 'conflict';

  constructor(
    readonly from: Status,
    readonly to: Status,
    ticketId: string,
    allowed: readonly Status[],
  ) {
    const moves = allowed.join(', ') || 'nothing';
    super(ticketId, `Ticket ${ticketId} cannot move from ${from} to ${to}; from ${from} it can move to ${moves}`);
  }
}

export class DuplicateOfSelfError extends TicketDomainError {
  override readonly name = 'DuplicateOfSelfError';
  readonly kind = 'invalid';

  constructor(ticketId: string) {
    super(ticketId, `Ticket ${ticketId} cannot be a duplicate of itself`);
  }
}

export class AlreadyDuplicateError extends TicketDomainError {
  override readonly name = 'AlreadyDuplicateError';
  readonly kind = 'conflict';

  constructor(
    ticketId: string,
    readonly duplicateOf: string,
    readonly requested: string,
  ) {
    super(
      ticketId,
      `Ticket ${ticketId} is already closed as a duplicate of ${duplicateOf}; ` +
        `undo that before marking it a duplicate of ${requested}`,
    );
  }
}

export class NotADuplicateError extends TicketDomainError {
  override readonly name = 'NotADuplicateError';
  readonly kind = 'conflict';

  constructor(ticketId: string) {
    super(ticketId, `Ticket ${ticketId} is not closed as a duplicate, so there is no duplicate link to undo`);
  }
}

/** A duplicate stays closed while linked: reopening goes through undoing the link, which restores its status. */
export class TicketClosedAsDuplicateError extends TicketDomainError {
  override readonly name = 'TicketClosedAsDuplicateError';
  readonly kind = 'conflict';

  constructor(
    ticketId: string,
    readonly duplicateOf: string,
    readonly to: Status,
  ) {
    super(
      ticketId,
      `Ticket ${ticketId} is closed as a duplicate of ${duplicateOf} and cannot move to ${to}; ` +
        'undo the duplicate link to reopen it',
    );
  }
}
