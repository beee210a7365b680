import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../scripts/schema-files';
import type { TicketCreatedV1 } from './types';
import { createUpcasterRegistry, upcastToLatest, UpcastError } from './upcast';

const v1 = readJsonFile('ticket/created/examples/opened-by-customer.json') as TicketCreatedV1;

/** A made-up v2 of ticket.created: `customer` becomes a list of `requesters`. */
interface FakeTicketCreatedV2 extends Omit<TicketCreatedV1, 'version' | 'data'> {
  version: 2;
  data: { ticket: Omit<TicketCreatedV1['data']['ticket'], 'customer'> & { requesters: { email: string }[] } };
}

function registryUpTo(latest: number) {
  const registry = createUpcasterRegistry((type) => (type === 'ticket.created' ? latest : undefined));
  registry.registerUpcaster<TicketCreatedV1>('ticket.created', 1, ({ data: { ticket } }) => {
    const { customer, ...rest } = ticket;
    return { ticket: { ...rest, requesters: customer ? [{ email: customer.email }] : [] } };
  });
  return registry;
}

describe('upcastToLatest', () => {
  it('upcasts v1 to v2, changing only version and data', () => {
    const { data, ...envelope } = registryUpTo(2).upcastToLatest(v1) as unknown as FakeTicketCreatedV2;
    expect(envelope).toEqual({ ...omitData(v1), version: 2 });
    expect(data.ticket.requesters).toEqual([{ email: 'maria.keller@northwind.example' }]);
    expect(data.ticket).not.toHaveProperty('customer');
  });

  it('leaves the input untouched', () => {
    const before = structuredClone(v1);
    registryUpTo(2).upcastToLatest(v1);
    expect(v1).toEqual(before);
  });

  it('chains steps up to the latest version', () => {
    const registry = registryUpTo(3);
    registry.registerUpcaster<FakeTicketCreatedV2>('ticket.created', 2, ({ data }) => ({ ...data, channel: 'web' }));
    const v3 = registry.upcastToLatest(v1);
    expect(v3.version).toBe(3);
    expect(v3.data).toMatchObject({
      channel: 'web',
      ticket: { requesters: [{ email: 'maria.keller@northwind.example' }] },
    });
  });

  it('returns an event already at the latest version as it is', () => {
    expect(registryUpTo(2).upcastToLatest({ ...v1, version: 2 })).toEqual({ ...v1, version: 2 });
  });

  it('fails clearly when a step has no upcaster', () => {
    expect(() => registryUpTo(3).upcastToLatest(v1)).toThrow(new UpcastError('no upcaster for ticket.created v2 → v3'));
  });

  it('refuses an unknown type and a version newer than it knows', () => {
    const registry = registryUpTo(2);
    expect(() => registry.upcastToLatest({ ...v1, type: 'ticket.exploded' })).toThrow(
      'unknown event type "ticket.exploded"',
    );
    expect(() => registry.upcastToLatest({ ...v1, version: 3 })).toThrow(
      'ticket.created v3 is newer than the latest this code knows (v2)',
    );
  });
});

describe('registerUpcaster', () => {
  it('refuses a second upcaster for the same step', () => {
    expect(() => registryUpTo(2).registerUpcaster('ticket.created', 1, () => ({}))).toThrow(
      'ticket.created v1 → v2 is registered twice',
    );
  });

  it('refuses a step beyond the latest version', () => {
    expect(() => registryUpTo(2).registerUpcaster('ticket.created', 2, () => ({}))).toThrow(
      'cannot register ticket.created v2 → v3: the latest ticket.created is v2',
    );
  });
});

describe("the package's registry", () => {
  it('passes every current event through unchanged (no older versions are published yet)', () => {
    expect(upcastToLatest(v1)).toBe(v1);
  });
});

function omitData<T extends { data: unknown }>(event: T): Omit<T, 'data'> {
  const { data: _data, ...rest } = event;
  return rest;
}
