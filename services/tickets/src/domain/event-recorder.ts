import type { Customer, TicketChange, TicketSnapshot, TriageRequestReason } from '@cogdesk/events-schema';
import type { CommandContext, Status } from './commands';
import { TICKETS_SOURCE, type TicketEvent } from './events';
import { evolve } from './evolve';
import type { TicketState } from './state';
import { resolvedAtAfter } from './status-transitions';

/** The fields a `ticket.updated` event can report, in the order its `changes` list them. */
export const CHANGEABLE_FIELDS = [
  'title',
  'description',
  'priority',
  'category',
  'tags',
  'assignee',
  'customer',
  'triage',
  'duplicateOf',
  'escalation',
] as const satisfies readonly TicketChange['field'][];

export type ChangeableField = (typeof CHANGEABLE_FIELDS)[number];
export type TicketPatch = Partial<Pick<TicketSnapshot, ChangeableField>>;

/**
 * Records the events of one decision. Each event carries the ticket after it (version + 1, `updatedAt` = now),
 * and the state is evolved after each one, so the next event of the same decision builds on it.
 */
export class EventRecorder {
  readonly events: TicketEvent[] = [];

  constructor(
    private state: TicketState,
    private readonly context: CommandContext,
  ) {}

  get ticket(): TicketSnapshot {
    return this.state.ticket;
  }

  /** Records a `ticket.updated` listing the fields of `patch` that really change; nothing when none does. */
  updated(patch: TicketPatch): readonly TicketChange[] {
    const changes: TicketChange[] = [];
    let next: TicketSnapshot = this.ticket;
    for (const field of CHANGEABLE_FIELDS) {
      if (!(field in patch) || patch[field] === undefined) continue;
      const to = patch[field];
      const from = this.ticket[field];
      if (sameFieldValue(field, from, to)) continue;
      changes.push({ field, from, to } as TicketChange);
      next = { ...next, [field]: to };
    }
    const [first, ...rest] = changes;
    if (first === undefined) return [];
    this.record({
      ...this.envelope(),
      type: 'ticket.updated',
      data: { ticket: this.nextVersion(next), changes: [first, ...rest] },
    });
    return changes;
  }

  /** Records a `ticket.status-changed`; nothing when the ticket already has status `to`. Callers check the rules. */
  statusChanged(to: Status, reason?: string): void {
    const from = this.ticket.status;
    if (from === to) return;
    const resolvedAt = resolvedAtAfter(this.ticket, to, this.context.now);
    const ticket = this.nextVersion({ ...this.ticket, status: to, resolvedAt });
    this.record({
      ...this.envelope(),
      type: 'ticket.status-changed',
      data: reason ? { ticket, from, to, reason } : { ticket, from, to },
    });
  }

  /** Records a `ticket.triage-requested`: triage goes (back) to pending, keeping the last suggestion visible. */
  triageRequested(reason: TriageRequestReason): void {
    const triage = { ...(this.ticket.triage ?? EMPTY_TRIAGE), status: 'pending' as const };
    const ticket = this.nextVersion({ ...this.ticket, triage });
    this.record({ ...this.envelope(), type: 'ticket.triage-requested', data: { ticket, reason } });
  }

  deleted(): void {
    this.record({ ...this.envelope(), type: 'ticket.deleted', data: { ticket: this.nextVersion(this.ticket) } });
  }

  private nextVersion(ticket: TicketSnapshot): TicketSnapshot {
    return { ...ticket, version: this.ticket.version + 1, updatedAt: this.context.now };
  }

  private envelope() {
    return {
      id: this.context.newEventId(),
      version: 1 as const,
      source: TICKETS_SOURCE,
      time: this.context.now,
      subject: this.ticket.id,
      correlationId: this.context.correlationId,
      causationId: this.context.causationId,
      actor: { ...this.context.actor },
    };
  }

  private record(event: TicketEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, event);
  }
}

/** A triage with no suggestion yet. */
export const EMPTY_TRIAGE: NonNullable<TicketSnapshot['triage']> = {
  status: 'pending',
  priority: null,
  category: null,
  confidence: null,
  estimatedResolutionHours: null,
  recommendedSteps: [],
  model: null,
  completedAt: null,
};

/** Tags are a set: the same tags in another order are no change. */
function sameFieldValue(field: ChangeableField, from: unknown, to: unknown): boolean {
  if (field === 'tags' && Array.isArray(from) && Array.isArray(to)) {
    return from.length === to.length && to.every((tag) => from.includes(tag));
  }
  return sameValue(from, to);
}

/** Structural equality of JSON values; a key holding undefined counts as absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => sameValue(left[key], right[key]));
}

/** Distinct tags, first occurrence first (the snapshot's tags are a set). */
export function distinctTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

/** A customer without undefined keys (`name` is the snapshot's only optional key). */
export function normalizedCustomer(customer: Customer | null): Customer | null {
  if (customer === null) return null;
  return customer.name === undefined ? { email: customer.email } : { email: customer.email, name: customer.name };
}
