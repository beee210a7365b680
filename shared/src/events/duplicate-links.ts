import type { Actor, TicketChange } from '@cogdesk/events-schema';

/**
 * The tickets a person has said a ticket is not a duplicate of, after one `ticket.updated`: a person's unlink
 * (`duplicateOf` X → null) adds X, their own link to X takes it back, and an agent's changes say nothing.
 * The tickets service keeps the list so the chain may not link the pair again; dedupe keeps it so the chain
 * does not find that original again and triages the ticket instead.
 */
export function notDuplicateOfAfter(current: readonly string[], changes: readonly TicketChange[], actor: Pick<Actor, 'type'>): string[] {
  let result = [...current];
  if (actor.type !== 'user') return result;
  for (const change of changes) {
    if (change.field !== 'duplicateOf') continue;
    result = result.filter((id) => id !== change.to);
    if (change.to === null && typeof change.from === 'string') result.push(change.from);
  }
  return result;
}
