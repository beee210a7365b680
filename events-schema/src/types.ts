import type { CogdeskEvent } from './generated/types';

export type * from './generated/types';

/** Every event type, unversioned: `'ticket.created' | 'ticket.updated' | ...`. */
export type EventType = CogdeskEvent['type'];

/**
 * The latest version of one event type.
 *
 * @example
 *   function onTriaged(event: EventOfType<'ticket.triaged'>) { event.data.triage.priority; }
 */
export type EventOfType<T extends EventType> = Extract<CogdeskEvent, { type: T }>;
