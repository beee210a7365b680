import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { detailTypeOf, type EventEnvelope } from './envelope';

/** PutEvents takes at most 10 entries per request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
/** PutEvents takes at most 256 KB of entries per request (and so per entry). */
export const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * The PutEvents entry for an envelope: the envelope travels whole as `Detail`.
 *
 * @example
 *   toPutEventsEntry(event, 'cogdesk'); // { EventBusName: 'cogdesk', Source: 'cogdesk.tickets', DetailType: 'ticket.created.v1', ... }
 */
export function toPutEventsEntry(event: EventEnvelope, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: detailTypeOf(event),
    Detail: JSON.stringify(event),
    Time: new Date(event.time),
    Resources: [],
  };
}

const utf8Bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/**
 * An entry's size as EventBridge counts it against the 256 KB limit
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html):
 * Time counts 14 bytes; Source, DetailType, Detail and each Resource their UTF-8 length.
 *
 * @example
 *   entrySizeBytes({ Source: 'a', DetailType: 'b.v1', Detail: '{}' }); // 7
 */
export function entrySizeBytes(entry: PutEventsRequestEntry): number {
  const resourceBytes = (entry.Resources ?? []).reduce((sum, resource) => sum + utf8Bytes(resource), 0);
  return (
    (entry.Time ? 14 : 0) + utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail) + resourceBytes
  );
}

/**
 * Splits items, in order, into PutEvents requests of at most 10 entries and 256 KB each.
 * Every item must fit on its own (check with `entrySizeBytes` first).
 *
 * @example
 *   batchBySize(items, (item) => entrySizeBytes(item.entry)); // [[i1..i10], [i11]]
 */
export function batchBySize<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    const full = current.length === MAX_ENTRIES_PER_REQUEST || currentBytes + size > MAX_REQUEST_BYTES;
    if (full && current.length > 0) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
