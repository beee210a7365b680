/**
 * The CloudEvents-shaped envelope every Cogdesk event travels in (EventBridge `detail`).
 * `type` is unversioned (`ticket.created`); the EventBridge `detail-type` is `${type}.v${version}`.
 *
 * @example
 *   const e: EventEnvelope<'ticket.deleted', { ticketId: string }> = {
 *     id: '0190…', type: 'ticket.deleted', version: 1, source: 'cogdesk.tickets',
 *     time: '2026-11-25T10:00:00.000Z', subject: 't-1', correlationId: 'c-1', causationId: null,
 *     actor: { type: 'user', id: 'u-1' }, data: { ticketId: 't-1' },
 *   };
 *   detailTypeOf(e); // 'ticket.deleted.v1'
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  /** Unique per event; a repeated id is a duplicate delivery. */
  id: string;
  type: TType;
  version: number;
  /** The producing service, e.g. `cogdesk.tickets`. */
  source: string;
  /** ISO-8601 instant the event happened. */
  time: string;
  /** The ticket id the event is about. */
  subject: string;
  /** Carried unchanged through every event a request causes. */
  correlationId: string;
  /** Id of the event (or request) that caused this one; null for a first cause. */
  causationId: string | null;
  actor: Actor;
  data: TData;
}

export type ActorType = 'user' | 'agent' | 'system';

export interface Actor {
  type: ActorType;
  id: string;
}

/** The EventBridge `detail-type` of an envelope: `ticket.created` v1 → `ticket.created.v1`. */
export function detailTypeOf(event: Pick<EventEnvelope, 'type' | 'version'>): string {
  return `${event.type}.v${event.version}`;
}

/** Splits a versioned detail-type back into its parts; null when it is not of that shape. */
export function parseDetailType(detailType: string): { type: string; version: number } | null {
  const match = /^(.+)\.v(\d+)$/.exec(detailType);
  if (!match) return null;
  return { type: match[1]!, version: Number(match[2]) };
}
