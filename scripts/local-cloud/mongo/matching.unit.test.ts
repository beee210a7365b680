import { describe, expect, it } from 'vitest';
import { compileFilter, compileProjection, runPipeline } from './matching';

const ticket = () => ({ _id: 'T-1', title: 't', status: 'open', outbox: [{ id: 'e1' }], customer: { email: 'a@b', name: 'Ana' }, items: [{ sku: 'a' }, { sku: 'b' }] });

describe('compileProjection', () => {
  it('drops excluded top-level fields and keeps the rest in document order', () => {
    const project = compileProjection({ outbox: 0, items: 0 }, {})!;

    expect(project([ticket()])).toEqual([{ _id: 'T-1', title: 't', status: 'open', customer: { email: 'a@b', name: 'Ana' } }]);
  });

  it('keeps included fields in document order, with _id unless excluded', () => {
    expect(compileProjection({ status: 1, title: 1 }, {})!([ticket()])).toEqual([{ _id: 'T-1', title: 't', status: 'open' }]);
    expect(Object.keys(compileProjection({ status: 1, title: 1 }, {})!([ticket()])[0]!)).toEqual(['_id', 'title', 'status']);
    expect(compileProjection({ status: 1, _id: 0 }, {})!([ticket()])).toEqual([{ status: 'open' }]);
  });

  it('handles nested and positional projections without touching the stored document', () => {
    const stored = ticket();

    expect(compileProjection({ 'customer.name': 0, outbox: 0, items: 0 }, {})!([stored])).toEqual([{ _id: 'T-1', title: 't', status: 'open', customer: { email: 'a@b' } }]);
    expect(compileProjection({ 'items.$': 1 }, { 'items.sku': 'b' })!([stored])).toEqual([{ _id: 'T-1', items: [{ sku: 'b' }] }]);
    expect(stored).toEqual(ticket());
  });
});

describe('compileFilter', () => {
  it('matches with MongoDB query semantics, and is absent for an empty filter', () => {
    const matches = compileFilter({ status: { $in: ['open', 'waiting'] }, 'customer.email': /@b$/, items: { $elemMatch: { sku: 'a' } } })!;

    expect(matches(ticket())).toBe(true);
    expect(matches({ ...ticket(), status: 'closed' })).toBe(false);
    expect(compileFilter({})).toBeUndefined();
  });

  it('reports an unknown operator as BadValue', () => {
    expect(() => compileFilter({ a: { $frobnicate: 1 } })).toThrow(expect.objectContaining({ code: 2 }));
  });
});

describe('runPipeline', () => {
  it('runs stages that build new fields without changing the input documents', () => {
    const stored = ticket();

    const [result] = runPipeline([stored], [{ $set: { 'customer.vip': true } }, { $project: { customer: 1 } }]);

    expect(result).toEqual({ _id: 'T-1', customer: { email: 'a@b', name: 'Ana', vip: true } });
    expect(stored).toEqual(ticket());
  });
});
