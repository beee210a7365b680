import { validateEvent } from '@cogdesk/events-schema';
import { aTicket, ticketCreated, ticketDeleted, ticketUpdated } from '@cogdesk/shared/testing/ticket-events';
import { describe, expect, it } from 'vitest';
import { DedupeService } from '../src/application/dedupe-service';
import { DuplicateDetector } from '../src/domain/duplicate-detector';
import { SimilarTickets } from '../src/similar-tickets';
import { InMemoryVectorIndex, TopicEmbeddings } from './semantic-fakes';

function service() {
  let changes = 0;
  const dedupe = new DedupeService(new SimilarTickets(new DuplicateDetector()), { versions: {} }, { changed: () => void changes++ }, 0.9);
  return { dedupe, changes: () => changes };
}

const crash = {
  title: 'Checkout crashes with NullPointerException in PaymentService',
  description: 'Submitting checkout throws java.lang.NullPointerException at PaymentService.charge(PaymentService.java:88); card payments fail.',
};

describe('DedupeService', () => {
  it('finds an older near-copy as a duplicate, and records the neighbours it judged', async () => {
    const { dedupe } = service();
    const original = ticketCreated({ ...crash, id: 'T-1', createdAt: '2026-01-01T00:00:00.000Z' });
    await dedupe.apply(original);
    await dedupe.apply(ticketCreated({ id: 'T-2', title: 'Dark mode for the dashboard', description: 'Please add a dark theme.', createdAt: '2026-01-01T01:00:00.000Z' }));

    const copy = aTicket({ ...crash, title: 'Checkout crashing: NullPointerException in PaymentService', id: 'T-3', createdAt: '2026-01-02T00:00:00.000Z' });
    const result = await dedupe.findDuplicates({ ticket: copy });

    expect(result).toMatchObject({ contract: 'find-duplicates.v1', isDuplicate: true, best: { ticketId: 'T-1' }, threshold: 0.9 });
    expect(result.best!.score).toBeGreaterThanOrEqual(0.9);
    expect(result.neighbours.map((n) => n.ticketId)).not.toContain('T-3');
  });

  it('never offers again the original a person unlinked a ticket from, so the chain triages it instead', async () => {
    const { dedupe } = service();
    await dedupe.apply(ticketCreated({ ...crash, id: 'T-1', createdAt: '2026-01-01T00:00:00.000Z' }));
    const copy = ticketCreated({ ...crash, id: 'T-3', createdAt: '2026-01-02T00:00:00.000Z' });
    await dedupe.apply(copy);
    const person = { type: 'user', id: 'u_1' } as const;
    const at = (version: number) => ({ ...copy.data.ticket, version });

    await dedupe.apply(ticketUpdated(at(3), [{ field: 'duplicateOf', from: 'T-1', to: null }], { type: 'agent', id: 'cogdesk-workflow' }));
    expect((await dedupe.findDuplicates({ ticket: at(3) })).best?.ticketId).toBe('T-1'); // only a person's unlink counts

    await dedupe.apply(ticketUpdated(at(5), [{ field: 'duplicateOf', from: 'T-1', to: null }], person));
    const unlinked = await dedupe.findDuplicates({ ticket: at(5) });
    expect(unlinked.isDuplicate).toBe(false);
    expect(unlinked.neighbours.map((n) => n.ticketId)).not.toContain('T-1');

    await dedupe.apply(ticketUpdated(at(7), [{ field: 'duplicateOf', from: null, to: 'T-1' }], person));
    expect((await dedupe.findDuplicates({ ticket: at(7) })).best?.ticketId).toBe('T-1');
  });

  it('does not call a distinct ticket a duplicate', async () => {
    const { dedupe } = service();
    await dedupe.apply(ticketCreated({ ...crash, id: 'T-1', createdAt: '2026-01-01T00:00:00.000Z' }));
    const other = aTicket({ id: 'T-9', title: 'Invoices show the wrong VAT rate', description: 'German invoices use 16% instead of 19%.', createdAt: '2026-01-02T00:00:00.000Z' });
    const result = await dedupe.findDuplicates({ ticket: other });
    expect(result.isDuplicate).toBe(false);
  });

  it('only offers older tickets as the original', async () => {
    const { dedupe } = service();
    await dedupe.apply(ticketCreated({ ...crash, id: 'NEWER', createdAt: '2026-03-01T00:00:00.000Z' }));
    const result = await dedupe.findDuplicates({ ticket: aTicket({ ...crash, id: 'OLDER', createdAt: '2026-01-01T00:00:00.000Z' }) });
    expect(result.best).toBeNull();
  });

  it('applies each ticket version once, in order, and forgets deleted tickets', async () => {
    const { dedupe, changes } = service();
    const created = ticketCreated({ ...crash, id: 'T-1' });
    expect(await dedupe.apply(created)).toBe(true);
    expect(await dedupe.apply(created)).toBe(false);
    const renamed = { ...created.data.ticket, title: 'Renamed', version: 2 };
    expect(await dedupe.apply(ticketUpdated(renamed, [{ field: 'title', from: crash.title, to: 'Renamed' }], { type: 'user', id: 'u' }))).toBe(true);
    expect(await dedupe.apply(ticketUpdated({ ...renamed, version: 1 }, [{ field: 'assignee', from: null, to: 'ana' }], { type: 'user', id: 'u' }))).toBe(false);
    expect((await dedupe.similarTo('T-1', 5)) ?? []).toEqual([]);
    expect(await dedupe.apply(ticketDeleted({ ...renamed, version: 3 }))).toBe(true);
    expect(await dedupe.similarTo('T-1', 5)).toBeNull();
    expect(dedupe.size).toBe(0);
    expect(changes()).toBe(3);
  });

  it('indexes a ticket again on redelivery when its embedding failed the first time', async () => {
    const embeddings = new TopicEmbeddings();
    const vectors = new InMemoryVectorIndex();
    embeddings.failing = true;
    const semantic = { embeddings, vectors };
    const dedupe = new DedupeService(new SimilarTickets(new DuplicateDetector(), semantic), { versions: {} }, { changed: () => undefined }, 0.9);
    const created = ticketCreated({ ...crash, id: 'T-1' });

    await expect(dedupe.apply(created)).rejects.toThrow('model unavailable');
    embeddings.failing = false;
    expect(await dedupe.apply(created)).toBe(true); // the redelivery
    expect([...vectors.vectors.keys()]).toEqual(['T-1']);
    expect(await dedupe.apply(created)).toBe(false);
  });

  it('returns neighbours the duplicate-detected event accepts', async () => {
    const { dedupe } = service();
    await dedupe.apply(ticketCreated({ ...crash, id: 'T-1', createdAt: '2026-01-01T00:00:00.000Z' }));
    const result = await dedupe.findDuplicates({ ticket: aTicket({ ...crash, id: 'T-2', createdAt: '2026-01-02T00:00:00.000Z' }) });
    const event = {
      ...ticketCreated(),
      type: 'ticket.duplicate-detected',
      source: 'cogdesk.workflow',
      actor: { type: 'agent', id: 'cogdesk-workflow' },
      data: { ticketId: 'T-2', duplicateOf: result.best!.ticketId, score: result.best!.score, threshold: result.threshold, neighbours: result.neighbours },
    };
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });
});
