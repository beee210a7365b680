/**
 * A ticket listing (filters, sort, cursor) as a MongoDB query: pure, so its rules are unit-tested and the
 * store only runs what this builds. Every sort ends with `_id` so pages never skip or repeat a ticket.
 */
import type { Filter, Sort } from 'mongodb';
import { wordsOf, type Priority, type Status, type TicketDocument } from './ticket-document';

export const SORTS = ['-createdAt', 'createdAt', 'priority', '-priority', 'updatedAt', '-updatedAt'] as const;
export type TicketSort = (typeof SORTS)[number];

export interface TicketListQuery {
  status?: Status;
  priority?: Priority;
  category?: string;
  assignee?: string;
  tag?: string;
  /** Free text: every word must appear in the title or description. */
  q?: string;
  createdFrom?: string;
  createdTo?: string;
  sort: TicketSort;
  limit: number;
  cursor?: string;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

const SORT_FIELDS = { createdAt: 'createdAt', updatedAt: 'updatedAt', priority: 'priorityRank' } as const;

interface CursorPosition {
  /** The sort field's value of the last ticket of the previous page. */
  v: string | number;
  /** That ticket's id. */
  id: string;
  /** The sort the cursor belongs to: a cursor is only valid with the sort it came from. */
  s: TicketSort;
}

export function sortOf(sort: TicketSort): { field: string; direction: 1 | -1 } {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as keyof typeof SORT_FIELDS;
  // "priority" lists the most urgent first, like a person reading a queue would expect.
  const direction = key === 'priority' ? (descending ? 1 : -1) : descending ? -1 : 1;
  return { field: SORT_FIELDS[key], direction };
}

export function encodeCursor(document: TicketDocument, sort: TicketSort): string {
  const { field } = sortOf(sort);
  const position: CursorPosition = { v: document[field as 'createdAt' | 'updatedAt' | 'priorityRank'], id: document._id, s: sort };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string, sort: TicketSort): CursorPosition {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  const candidate = position as Partial<CursorPosition> | null;
  if (
    !candidate ||
    typeof candidate.id !== 'string' ||
    (typeof candidate.v !== 'string' && typeof candidate.v !== 'number') ||
    !SORTS.includes(candidate.s as TicketSort)
  ) {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  if (candidate.s !== sort) throw new InvalidCursorError(`cursor belongs to sort=${candidate.s}, not sort=${sort}`);
  return candidate as CursorPosition;
}


export function buildListQuery(query: TicketListQuery): { filter: Filter<TicketDocument>; sort: Sort; limit: number } {
  const filter: Filter<TicketDocument> = { deleted: false };
  if (query.status) filter.status = query.status;
  if (query.priority) filter.priority = query.priority;
  if (query.category) filter.category = query.category;
  if (query.assignee) filter.assignee = query.assignee;
  if (query.tag) filter.tags = query.tag;
  if (query.q) {
    const words = wordsOf(query.q);
    if (words.length > 0) filter.words = { $all: words };
  }
  if (query.createdFrom || query.createdTo) {
    filter.createdAt = {
      ...(query.createdFrom ? { $gte: query.createdFrom } : {}),
      ...(query.createdTo ? { $lt: query.createdTo } : {}),
    };
  }
  const { field, direction } = sortOf(query.sort);
  if (query.cursor) {
    const { v, id } = decodeCursor(query.cursor, query.sort);
    // "after (v, id)" as a range on the sort field plus a residual condition, rather than an $or, so an
    // index on the sort field still bounds the scan.
    const fromHere = direction === 1 ? '$gte' : '$lte';
    Object.assign(filter, {
      [field]: { ...(filter[field as 'createdAt'] as object | undefined), [fromHere]: v },
      $nor: [{ [field]: v, _id: { $lte: id } }],
    });
  }
  // One more than asked for tells whether there is a next page without counting.
  return { filter, sort: { [field]: direction, _id: 1 }, limit: query.limit + 1 };
}
