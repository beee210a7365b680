import { describe, expect, it } from 'vitest';
import { listExampleFiles, listSchemaFiles, parseEventSchemaPath, readJsonFile } from '../scripts/schema-files';
import type { PublishedEvent } from './types';
import { assertValidEvent, InvalidEventError, validateEvent } from './validate';

const examples = listExampleFiles().map((path) => ({ path, envelope: readJsonFile(path) as PublishedEvent }));

const REMOVE = Symbol('remove');

/** A copy of an example with one deliberate mistake: the value at a dotted path replaced (or removed). */
function broken(path: string, at: string, value: unknown): unknown {
  const example = examples.find((candidate) => candidate.path === path);
  if (!example) throw new Error(`no example ${path}`);
  const copy: unknown = structuredClone(example.envelope);
  const keys = at.split('.');
  const last = keys.pop() ?? '';
  const parent = keys.reduce<Record<string, unknown>>(
    (node, key) => node[key] as Record<string, unknown>,
    copy as Record<string, unknown>,
  );
  if (value === REMOVE) delete parent[last];
  else parent[last] = value;
  return copy;
}

const created = 'ticket/created/examples/opened-by-customer.json';
const updated = 'ticket/updated/examples/triage-applied.json';

describe('examples', () => {
  it.each(examples)('$path is valid', ({ envelope }) => {
    const result = validateEvent(envelope);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result).toEqual({ ok: true, event: envelope });
  });

  it.each(examples)('$path is an event of its folder, about its subject', ({ path, envelope }) => {
    const [domain, event] = path.split('/');
    expect(envelope.type).toBe(`${domain}.${event}`);
    const data: { ticket?: { id: string }; ticketId?: string } = envelope.data;
    expect(data.ticket?.id ?? data.ticketId).toBe(envelope.subject);
  });

  it('cover every published schema', () => {
    const published = listSchemaFiles()
      .map(parseEventSchemaPath)
      .filter((event) => event !== null);
    const covered = new Set(examples.map(({ envelope }) => `${envelope.type}.v${envelope.version}`));
    expect(published.filter((event) => !covered.has(`${event.type}.v${event.version}`))).toEqual([]);
  });
});

describe('validateEvent rejects', () => {
  it.each([
    {
      mistake: 'an unknown field in the envelope',
      envelope: broken(created, 'detail', {}),
      errors: [{ path: 'detail', message: 'unknown field' }],
    },
    {
      mistake: 'an unknown field in the ticket',
      envelope: broken(created, 'data.ticket.colour', 'red'),
      errors: [{ path: 'data.ticket.colour', message: 'unknown field' }],
    },
    {
      mistake: 'a missing data field',
      envelope: broken(created, 'data.ticket', REMOVE),
      errors: [{ path: 'data.ticket', message: 'required' }],
    },
    {
      mistake: 'a status outside the enum',
      envelope: broken(created, 'data.ticket.status', 'pending'),
      errors: [
        {
          path: 'data.ticket.status',
          message: 'must be one of "open", "in_progress", "waiting", "resolved", "closed"',
        },
      ],
    },
    {
      mistake: 'a nullable priority outside the enum',
      envelope: broken(created, 'data.ticket.priority', 'urgent'),
      errors: [{ path: 'data.ticket.priority', message: 'must be one of "low", "medium", "high", "critical", null' }],
    },
    {
      mistake: 'a bad value inside a nullable object',
      envelope: broken(created, 'data.ticket.customer.email', 'maria at northwind'),
      errors: [{ path: 'data.ticket.customer.email', message: 'must match format "email"' }],
    },
    {
      mistake: 'a non-object where a nullable object goes',
      envelope: broken(created, 'data.ticket.escalation', 'yes'),
      errors: [{ path: 'data.ticket.escalation', message: 'must be object or must be null' }],
    },
    {
      mistake: 'a change of a field that cannot change',
      envelope: broken(updated, 'data.changes.0.field', 'status'),
      errors: [
        {
          path: 'data.changes.0.field',
          message:
            'must be one of "title", "description", "priority", "category", "tags", "assignee", "triage", "duplicateOf", "escalation", "customer"',
        },
      ],
    },
    {
      mistake: 'a change whose value does not fit its field',
      envelope: broken(updated, 'data.changes.1.to', 'urgent'),
      errors: [{ path: 'data.changes.1.to', message: 'must be one of "low", "medium", "high", "critical", null' }],
    },
    {
      mistake: 'a change without its old value',
      envelope: broken(updated, 'data.changes.2.from', REMOVE),
      errors: [{ path: 'data.changes.2.from', message: 'required' }],
    },
    {
      mistake: 'a time without an offset',
      envelope: broken(created, 'time', '2026-11-25T09:14:03'),
      errors: [{ path: 'time', message: 'must match format "date-time"' }],
    },
    {
      mistake: 'a source other than the producer',
      envelope: broken(created, 'source', 'cogdesk.workflow'),
      errors: [{ path: 'source', message: 'must be "cogdesk.tickets"' }],
    },
    {
      mistake: 'more than 20 tags',
      envelope: broken(
        created,
        'data.ticket.tags',
        Array.from({ length: 21 }, (_, i) => `tag-${i}`),
      ),
      errors: [{ path: 'data.ticket.tags', message: 'must NOT have more than 20 items' }],
    },
    {
      mistake: 'a title over 200 characters',
      envelope: broken(created, 'data.ticket.title', 'x'.repeat(201)),
      errors: [{ path: 'data.ticket.title', message: 'must NOT have more than 200 characters' }],
    },
  ])('$mistake', ({ envelope, errors }) => {
    expect(validateEvent(envelope)).toEqual({ ok: false, errors });
  });

  it('an unknown event type, naming the known ones', () => {
    const result = validateEvent(broken(created, 'type', 'ticket.exploded'));
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'type',
          message: expect.stringMatching(/^unknown event type "ticket.exploded"; known: .*ticket\.created/),
        },
      ],
    });
  });

  it('an unpublished version, naming the published ones', () => {
    const result = validateEvent(broken(created, 'version', 7));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'version', message: 'no published version 7; ticket.created has v1' }],
    });
  });

  it('a missing version', () => {
    const result = validateEvent(broken(created, 'version', REMOVE));
    expect(result).toEqual({ ok: false, errors: [{ path: 'version', message: 'required; ticket.created has v1' }] });
  });

  it.each([null, 'ticket.created', [], 42])('%j, which is not an envelope', (value) => {
    expect(validateEvent(value)).toEqual({
      ok: false,
      errors: [{ path: '', message: 'must be an event envelope (an object)' }],
    });
  });
});

describe('assertValidEvent', () => {
  it('returns a valid event', () => {
    const envelope = examples[0]?.envelope;
    expect(assertValidEvent(envelope)).toEqual(envelope);
  });

  it('throws an InvalidEventError naming the detail-type and the first errors', () => {
    const envelope = broken(created, 'data.ticket.status', 'pending');
    expect(() => assertValidEvent(envelope)).toThrowError(
      new InvalidEventError('ticket.created.v1', [
        {
          path: 'data.ticket.status',
          message: 'must be one of "open", "in_progress", "waiting", "resolved", "closed"',
        },
      ]),
    );
    expect(() => assertValidEvent(envelope)).toThrow(
      'invalid ticket.created.v1 event: data.ticket.status: must be one of "open", "in_progress", "waiting", "resolved", "closed"',
    );
  });

  it('names an envelope without a type as such', () => {
    expect(() => assertValidEvent({})).toThrow('invalid untyped event: type: required; known: ');
  });
});
