import { describe, expect, it } from 'vitest';
import { detailTypeOf, parseDetailType } from './envelope';

describe('detail-type', () => {
  it('is the type with its version suffix', () => {
    expect(detailTypeOf({ type: 'ticket.created', version: 1 })).toBe('ticket.created.v1');
  });

  it('parses back into type and version', () => {
    expect(parseDetailType('ticket.triage-failed.v12')).toEqual({ type: 'ticket.triage-failed', version: 12 });
  });

  it('rejects a detail-type without a version', () => {
    expect(parseDetailType('ticket.created')).toBeNull();
  });
});
