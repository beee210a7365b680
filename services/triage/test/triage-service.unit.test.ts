import { validateEvent } from '@cogdesk/events-schema';
import { aTicket, ticketCreated, ticketDeleted, ticketUpdated } from '@cogdesk/shared/testing/ticket-events';
import { describe, expect, it } from 'vitest';
import { localTriageProvider } from '../src/adapters/local-provider';
import { TriageService } from '../src/application/triage-service';
import { TriageModel } from '../src/domain/triage-model';

function service() {
  const model = new TriageModel();
  const triage = new TriageService(model, localTriageProvider(model), { labels: {}, versions: {} }, { changed: () => undefined });
  return { model, triage };
}

const history = [
  ['Invoice shows wrong VAT amount', 'The invoice total has the wrong tax rate applied', 'billing', 'medium'],
  ['Refund not received after cancellation', 'I cancelled and the refund for my invoice never arrived', 'billing', 'high'],
  ['Charged twice on my card', 'My credit card was charged twice for the same invoice', 'billing', 'high'],
  ['Cannot log in with SSO', 'Single sign-on redirects back to the login page in a loop', 'access', 'critical'],
  ['Password reset email never arrives', 'The reset password email does not come, cannot log in', 'access', 'high'],
  ['Two-factor code rejected at login', 'My authenticator code is rejected when I log in', 'access', 'medium'],
] as const;

/** An imported, labelled ticket: what a migration feeds the model. */
function imported([title, description, category, priority]: (typeof history)[number], index: number) {
  return ticketCreated({ id: `H-${index}`, title, description, category, priority, triage: null, status: 'resolved' }, { type: 'user', id: 'importer' });
}

describe('TriageService', () => {
  it('learns the deployment’s categories from imported history and uses them', async () => {
    const { model, triage } = service();
    history.forEach((row, index) => triage.learnFrom(imported(row, index)));
    expect(model.size).toBe(history.length);

    const output = await triage.triage({ ticket: aTicket({ title: 'Charged twice for one invoice', description: 'The card was charged twice on the invoice' }) });
    expect(output.contract).toBe('triage.v1');
    expect(output.result.category).toBe('billing');
    expect(output.result.provider).toBe('local');
    expect(output.result.neighbours.length).toBeGreaterThan(0);
  });

  it('learns a person’s correction without a restart, and ignores what an agent set', () => {
    const { model, triage } = service();
    history.forEach((row, index) => triage.learnFrom(imported(row, index)));
    const opened = ticketCreated({ id: 'N-1', title: 'Refund for double charge', description: 'Need a refund for the double charge', triage: { status: 'pending', priority: null, category: null, confidence: null, estimatedResolutionHours: null, recommendedSteps: [], model: null, completedAt: null } }, { type: 'user', id: 'customer' });
    triage.learnFrom(opened);
    const agentSet = { ...opened.data.ticket, category: 'access', version: 2 };
    expect(triage.learnFrom(ticketUpdated(agentSet, [{ field: 'category', from: null, to: 'access' }], { type: 'agent', id: 'workflow' }))).toBe(false);

    const corrected = { ...agentSet, category: 'billing', version: 3 };
    expect(triage.learnFrom(ticketUpdated(corrected, [{ field: 'category', from: 'access', to: 'billing' }], { type: 'user', id: 'grace' }))).toBe(true);
    expect(model.size).toBe(history.length + 1);
    expect(triage.learnFrom(ticketUpdated(corrected, [{ field: 'category', from: 'access', to: 'billing' }], { type: 'user', id: 'grace' }))).toBe(false);
  });

  describe('when the queue delivers events out of order', () => {
    const pending = { status: 'pending' as const, priority: null, category: null, confidence: null, estimatedResolutionHours: null, recommendedSteps: [], model: null, completedAt: null };
    const opened = () => ticketCreated({ id: 'N-1', title: 'Refund for double charge', description: 'Need a refund', category: 'billing', priority: 'high', triage: pending }, { type: 'user', id: 'agent-ann' });
    const triaged = (created: ReturnType<typeof opened>) => ({ ...created.data.ticket, version: 2, triage: { ...pending, status: 'completed' as const } });

    it('keeps what a person said when the agent’s later update overtakes it', () => {
      const { model, triage } = service();
      const created = opened();
      triage.learnFrom(ticketUpdated(triaged(created), [{ field: 'triage', from: null, to: null }], { type: 'agent', id: 'workflow' }));

      expect(triage.learnFrom(created)).toBe(true);

      expect(model.example('N-1')).toMatchObject({ category: 'billing', priority: 'high' });
    });

    it('never lets an older label undo a newer correction', () => {
      const { model, triage } = service();
      const created = opened();
      const corrected = { ...triaged(created), version: 3, category: 'access' };
      triage.learnFrom(ticketUpdated(corrected, [{ field: 'category', from: 'billing', to: 'access' }], { type: 'user', id: 'grace' }));

      triage.learnFrom(created);

      expect(model.example('N-1')).toMatchObject({ category: 'access', priority: 'high' });
    });

    it('does not bring back a deleted ticket from a late creation', () => {
      const { model, triage } = service();
      const created = opened();
      triage.learnFrom(ticketDeleted({ ...created.data.ticket, version: 2 }));

      expect(triage.learnFrom(created)).toBe(false);

      expect(model.size).toBe(0);
    });
  });

  it('stops learning labels a person cleared', () => {
    const { model, triage } = service();
    const created = imported(history[0], 0);
    triage.learnFrom(created);
    const cleared = { ...created.data.ticket, priority: null, category: null, version: 2 };

    triage.learnFrom(ticketUpdated(cleared, [{ field: 'priority', from: 'medium', to: null }, { field: 'category', from: 'billing', to: null }], { type: 'user', id: 'grace' }));

    expect(model.size).toBe(0);
  });

  it('forgets a deleted ticket', () => {
    const { model, triage } = service();
    const created = imported(history[0], 0);
    triage.learnFrom(created);
    triage.learnFrom(ticketDeleted({ ...created.data.ticket, version: 2 }));
    expect(model.size).toBe(0);
  });

  it('produces a result the ticket.triaged event accepts, even before any label was seen', async () => {
    const { triage } = service();
    const { result } = await triage.triage({ ticket: aTicket({ title: 'Production is down', description: 'All customers see HTTP 500' }) });
    const event = { ...ticketCreated(), type: 'ticket.triaged', source: 'cogdesk.workflow', actor: { type: 'agent', id: 'wf' }, data: { ticketId: 'x', triage: result } };
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });
});
