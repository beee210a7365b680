/**
 * Test support for the ticket decider (emmett-style specifications):
 *
 *   given(history(create())).when(changeStatus('in_progress')).then([{ type: 'ticket.status-changed' }]);
 *
 * Every event a spec produces, `given` histories included, is checked: it validates against the published schema
 * (`validateEvent`), has the envelope of the command's context, increments the ticket version by one, carries the
 * ticket after it (what `evolve` computes), and a `ticket.updated` lists exactly the fields that changed.
 */
import { validateEvent, type Actor, type TriageResult } from '@cogdesk/events-schema';
import { expect } from 'vitest';
import type {
  ApplyTriage,
  ChangeStatus,
  CloseAsDuplicate,
  CommandContext,
  CreateTicket,
  RecordEscalation,
  RecordTriageFailure,
  RequestTriage,
  Status,
  TicketCommand,
  TicketFieldChanges,
  UpdateTicket,
} from './commands';
import { decide } from './decide';
import { CHANGEABLE_FIELDS } from './event-recorder';
import type { TicketEvent, TicketEventType } from './events';
import { evolve, replay } from './evolve';
import type { TicketState } from './state';

export const TICKET_ID = '0193a9f2-5c41-7e08-9b3d-6f2e1c8a4d17';
export const OTHER_TICKET_ID = '0192e3d1-9f8a-7b6c-a5d4-e3f2a1b0c9d8';

export const person: Actor = { type: 'user', id: 'u_3b9f11' };
export const anotherPerson: Actor = { type: 'user', id: 'u_7c1e42' };
export const triageAgent: Actor = { type: 'agent', id: 'triage' };
export const dedupeAgent: Actor = { type: 'agent', id: 'dedupe' };
export const importer: Actor = { type: 'system', id: 'ticket-import' };
export const workflow: Actor = { type: 'system', id: 'workflow' };
export const escalationTimer: Actor = { type: 'system', id: 'escalation-timer' };

const START = Date.parse('2026-11-25T09:00:00.000Z');

/** The spec clock: `minute(n)` is n minutes after the start of every history. */
export function minute(n: number): string {
  return new Date(START + n * 60_000).toISOString();
}

let lastEventNumber = 0;

export function contextFor(actor: Actor, now: string): CommandContext {
  return {
    actor,
    now,
    correlationId: `corr-${now}`,
    causationId: actor.type === 'user' ? null : `cause-${now}`,
    newEventId: () => `evt-${++lastEventNumber}`,
  };
}

/** A command with who sends it (default: a person) and when (default: a minute after the last event). */
export interface Step {
  command: TicketCommand;
  by?: Actor;
  at?: string;
}

export function by(actor: Actor, command: TicketCommand, at?: string): Step {
  return at === undefined ? { command, by: actor } : { command, by: actor, at };
}

/** The events of running the steps one after the other from nothing, each checked like a spec's. */
export function history(...steps: (TicketCommand | Step)[]): TicketEvent[] {
  const events: TicketEvent[] = [];
  for (const entry of steps) {
    const step: Step = 'command' in entry ? entry : { command: entry };
    const state = replay(events);
    const context = contextFor(step.by ?? person, step.at ?? nextTime(events));
    const produced = decide(step.command, state, context);
    expectWellFormed(produced, state, step.command.ticketId, context);
    events.push(...produced);
  }
  return events;
}

export type ExpectedEvent = { type: TicketEventType } & Record<string, unknown>;

export interface Outcome {
  events: TicketEvent[];
  /** The state after the produced events. */
  state: TicketState | null;
  before: TicketState | null;
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

export function given(events: readonly TicketEvent[] = []) {
  return {
    when(command: TicketCommand, options: { by?: Actor; at?: string } = {}) {
      const before = replay(events);
      const context = contextFor(options.by ?? person, options.at ?? nextTime(events));
      const run = () => decide(command, before, context);
      return {
        /** The produced events match `expected` (partially, in order, same count); returns them to look closer. */
        then(expected: readonly ExpectedEvent[]): Outcome {
          const produced = run();
          expectWellFormed(produced, before, command.ticketId, context);
          expect(produced).toMatchObject(expected);
          return { events: produced, state: produced.reduce<TicketState | null>(evolve, before), before };
        },
        thenNothingHappens(): void {
          expect(run()).toEqual([]);
        },
        thenThrows<E extends Error>(errorClass: ErrorClass<E>, message?: RegExp): E {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          if (message) expect((thrown as Error).message).toMatch(message);
          return thrown as E;
        },
      };
    },
  };
}

/** Asserts one event validates against its published schema, showing the schema's complaint when not. */
export function expectValidEvent(event: unknown): void {
  const result = validateEvent(event);
  expect(result.ok ? [] : result.errors, `${(event as TicketEvent).type} must validate against its schema`).toEqual([]);
}

function expectWellFormed(
  events: readonly TicketEvent[],
  before: TicketState | null,
  ticketId: string,
  context: CommandContext,
): void {
  let state = before;
  for (const event of events) {
    expectValidEvent(event);
    expect(event).toMatchObject({
      version: 1,
      source: 'cogdesk.tickets',
      subject: ticketId,
      time: context.now,
      correlationId: context.correlationId,
      causationId: context.causationId,
      actor: context.actor,
    });
    const previous = state?.ticket ?? null;
    const { ticket } = event.data;
    expect(ticket.id).toBe(ticketId);
    expect(ticket.version, 'each event increments the version by one').toBe((previous?.version ?? 0) + 1);
    expect(ticket.updatedAt).toBe(context.now);
    if (previous !== null) expectChangesListed(event, previous);
    state = evolve(state, event);
    expect(state.ticket, 'the event carries the ticket after it').toEqual(ticket);
  }
  expect(new Set(events.map((event) => event.id)).size, 'event ids are unique').toBe(events.length);
}

/** A `ticket.updated` lists exactly the fields that changed, once each, and never the status. */
function expectChangesListed(event: TicketEvent, previous: TicketState['ticket']): void {
  const { ticket } = event.data;
  const changed = CHANGEABLE_FIELDS.filter((field) => JSON.stringify(previous[field]) !== JSON.stringify(ticket[field]));
  switch (event.type) {
    case 'ticket.updated': {
      const listed = event.data.changes.map((change) => change.field);
      expect(new Set(listed).size, 'each field is listed once').toBe(listed.length);
      expect([...listed].sort()).toEqual([...changed].sort());
      for (const change of event.data.changes) {
        expect(change.from).toEqual(previous[change.field]);
        expect(change.to).toEqual(ticket[change.field]);
      }
      expect(ticket.status).toBe(previous.status);
      break;
    }
    case 'ticket.status-changed':
      expect(event.data.from).toBe(previous.status);
      expect(event.data.to).toBe(ticket.status);
      expect(event.data.from).not.toBe(event.data.to);
      expect(changed).toEqual([]);
      break;
    case 'ticket.triage-requested':
      expect(ticket.triage?.status).toBe('pending');
      expect(changed.filter((field) => field !== 'triage')).toEqual([]);
      break;
    case 'ticket.deleted':
      expect(changed).toEqual([]);
      expect(ticket.status).toBe(previous.status);
      break;
    case 'ticket.created':
      throw new Error('a ticket is created once');
    default: {
      const _exhaustive: never = event;
      throw new Error(`unexpected event ${String(_exhaustive)}`);
    }
  }
}

function nextTime(events: readonly TicketEvent[]): string {
  const last = events.at(-1);
  return last === undefined ? minute(0) : new Date(Date.parse(last.time) + 60_000).toISOString();
}

// --- commands, with realistic defaults --------------------------------------------------------------------------

export function create(overrides: Partial<Omit<CreateTicket, 'type'>> = {}): CreateTicket {
  return {
    type: 'CreateTicket',
    ticketId: TICKET_ID,
    title: 'Invoice PDF download returns error 500',
    description: "Clicking 'Download PDF' on any invoice in the billing portal shows 'Something went wrong (500)'.",
    tags: ['billing', 'portal'],
    customer: { email: 'maria.keller@northwind.example', name: 'Maria Keller' },
    ...overrides,
  };
}

export function update(changes: TicketFieldChanges, ticketId = TICKET_ID): UpdateTicket {
  return { type: 'UpdateTicket', ticketId, changes };
}

export function changeStatus(to: Status, reason?: string): ChangeStatus {
  const command: ChangeStatus = { type: 'ChangeStatus', ticketId: TICKET_ID, to };
  return reason === undefined ? command : { ...command, reason };
}

export const deleteTicket = { type: 'DeleteTicket', ticketId: TICKET_ID } as const satisfies TicketCommand;

export function requestTriage(reason: RequestTriage['reason'] = 'manual'): RequestTriage {
  return { type: 'RequestTriage', ticketId: TICKET_ID, reason };
}

export function aTriageResult(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    priority: 'high',
    category: 'billing',
    confidence: 0.87,
    estimatedResolutionHours: 4,
    recommendedSteps: ['Check the invoice-renderer logs', 'Retry one October invoice with a test account'],
    provider: 'bedrock',
    model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    promptVersion: 'triage-2026-11-01',
    neighbours: [{ ticketId: OTHER_TICKET_ID, score: 0.83 }],
    ...overrides,
  };
}

export function applyTriage(overrides: Partial<TriageResult> = {}): ApplyTriage {
  return { type: 'ApplyTriage', ticketId: TICKET_ID, result: aTriageResult(overrides), executionId: 'exec-1' };
}

export const recordTriageFailure: RecordTriageFailure = {
  type: 'RecordTriageFailure',
  ticketId: TICKET_ID,
  error: { type: 'States.Timeout', message: 'Task timed out after 15 seconds' },
  attempts: 3,
};

export function closeAsDuplicate(duplicateOf = OTHER_TICKET_ID, score?: number): CloseAsDuplicate {
  const command: CloseAsDuplicate = { type: 'CloseAsDuplicate', ticketId: TICKET_ID, duplicateOf };
  return score === undefined ? command : { ...command, score };
}

export const reopenFromDuplicate = { type: 'ReopenFromDuplicate', ticketId: TICKET_ID } as const satisfies TicketCommand;

export function recordEscalation(level: number, escalatedAt = minute(61)): RecordEscalation {
  return {
    type: 'RecordEscalation',
    ticketId: TICKET_ID,
    level,
    reason: `critical ticket unresolved after ${level * 60} minutes`,
    escalatedAt,
  };
}

/** The one event of `type` among `events` (fails the test when there is not exactly one). */
export function theOne<T extends TicketEventType>(
  events: readonly TicketEvent[],
  type: T,
): Extract<TicketEvent, { type: T }> {
  const found = events.filter((event): event is Extract<TicketEvent, { type: T }> => event.type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}
