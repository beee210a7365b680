/**
 * Runs a command against a ticket: load, decide, evolve, commit atomically with its events, and retry on
 * a concurrent change unless the caller pinned the version (If-Match), which is then a precondition.
 */
import { decide, evolve, type CommandContext, type TicketCommand, type TicketEvent, type TicketState } from '../domain';
import { ConcurrentChangeError, type TicketStore } from '../store/ticket-store';

export class VersionMismatchError extends Error {
  override name = 'VersionMismatchError';
  constructor(
    readonly ticketId: string,
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(`ticket ${ticketId} is at version ${actual ?? 'none'}, not ${expected}`);
  }
}

export interface CommandOutcome {
  state: TicketState | null;
  events: TicketEvent[];
}

export interface HandleOptions {
  /** From If-Match: the change is refused unless the ticket is at exactly this version. */
  expectedVersion?: number;
  /** The consumed event this command applies: applied at most once per ticket. */
  appliedEventId?: string;
}

const MAX_ATTEMPTS = 5;

export async function handleCommand(
  store: TicketStore,
  command: TicketCommand,
  context: CommandContext,
  options: HandleOptions = {},
): Promise<CommandOutcome> {
  for (let attempt = 1; ; attempt++) {
    // A create's id is new (server-made or reserved): skip the read. If it exists after all, the insert
    // fails as a concurrent change and the next attempt decides against what is stored.
    const isFreshCreate = command.type === 'CreateTicket' && attempt === 1 && options.expectedVersion === undefined && !options.appliedEventId;
    const stored = isFreshCreate ? null : await store.load(command.ticketId);
    const state = stored?.state ?? null;
    if (options.appliedEventId && stored?.appliedEventIds.includes(options.appliedEventId)) return { state, events: [] };
    if (options.expectedVersion !== undefined && state?.ticket.version !== options.expectedVersion) {
      throw new VersionMismatchError(command.ticketId, options.expectedVersion, state?.ticket.version ?? null);
    }
    const events = decide(command, state, context);
    if (events.length === 0) return { state, events };
    const next = events.reduce<TicketState | null>(evolve, state);
    try {
      await store.commit({
        ticketId: command.ticketId,
        expectedVersion: state ? state.ticket.version : null,
        state: next!,
        events,
        ...(options.appliedEventId ? { appliedEventId: options.appliedEventId } : {}),
      });
      return { state: next, events };
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      if (options.expectedVersion !== undefined) {
        throw new VersionMismatchError(command.ticketId, options.expectedVersion, null);
      }
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
