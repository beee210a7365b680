import { describe, expect, it } from 'vitest';
import { anEvent } from '../testing/events';
import { batchBySize, entrySizeBytes, MAX_REQUEST_BYTES, toPutEventsEntry } from './put-events-entries';

describe('toPutEventsEntry', () => {
  it('carries the whole envelope as Detail, with the versioned detail-type and the event time', () => {
    const event = anEvent({ type: 'ticket.triaged', version: 2, time: '2026-11-25T10:00:00.000Z' });

    const entry = toPutEventsEntry(event, 'cogdesk-bus');

    expect(entry).toEqual({
      EventBusName: 'cogdesk-bus',
      Source: 'cogdesk.tickets',
      DetailType: 'ticket.triaged.v2',
      Detail: JSON.stringify(event),
      Time: new Date('2026-11-25T10:00:00.000Z'),
      Resources: [],
    });
  });
});

describe('entrySizeBytes', () => {
  it('counts Time as 14 bytes and the UTF-8 bytes of Source, DetailType, Detail and Resources', () => {
    const size = entrySizeBytes({
      Time: new Date(),
      Source: 'abc',
      DetailType: 'é.v1', // é is 2 bytes in UTF-8
      Detail: '{"x":"€"}', // € is 3 bytes
      Resources: ['r1', 'r22'],
    });

    expect(size).toBe(14 + 3 + 5 + 11 + 2 + 3);
  });

  it('counts nothing for absent optional fields', () => {
    expect(entrySizeBytes({ Source: 'a', DetailType: 'b.v1' })).toBe(5);
  });
});

describe('batchBySize', () => {
  it('puts at most 10 entries in a request, in order', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);

    const batches = batchBySize(items, () => 1);

    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual(items);
  });

  it('starts a new request before the 256 KB limit would be crossed', () => {
    const third = Math.floor(MAX_REQUEST_BYTES / 3);

    const batches = batchBySize(['a', 'b', 'c', 'd'], () => third + 1);

    expect(batches).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('fills a request exactly up to the limit', () => {
    expect(batchBySize(['a', 'b'], () => MAX_REQUEST_BYTES / 2)).toEqual([['a', 'b']]);
  });

  it('returns no batches for no items', () => {
    expect(batchBySize([], () => 1)).toEqual([]);
  });
});
