import { describe, expect, it } from 'vitest';
import {
  applyTriage,
  by,
  changeStatus,
  closeAsDuplicate,
  create,
  dedupeAgent,
  deleteTicket,
  escalationTimer,
  given,
  history,
  importer,
  minute,
  OTHER_TICKET_ID,
  person,
  recordEscalation,
  recordTriageFailure,
  reopenFromDuplicate,
  requestTriage,
  theOne,
  TICKET_ID,
  triageAgent,
  update,
  workflow,
} from './decider-spec';
import {
  AlreadyDuplicateError,
  DuplicateOfSelfError,
  HTTP_STATUS_OF_KIND,
  InvalidStatusTransitionError,
  NotADuplicateError,
  TicketAlreadyExistsError,
  TicketClosedAsDuplicateError,
  TicketDomainError,
  TicketNotFoundError,
} from './errors';
import type { TicketCommand } from './commands';

const PENDING_EMPTY_TRIAGE = {
  status: 'pending',
  priority: null,
  category: null,
  confidence: null,
  estimatedResolutionHours: null,
  recommendedSteps: [],
  model: null,
  completedAt: null,
};

const THIRD_TICKET_ID = '0192b7a0-1c2d-7e3f-8a9b-0c1d2e3f4a5b';

/** Opened by a person, then triaged by the AI (high / billing adopted). */
const triagedHistory = () => history(create(), by(triageAgent, applyTriage()));

describe('CreateTicket', () => {
  it('opens a new ticket with a pending triage, which starts the cognitive chain', () => {
    const { events, state } = given()
      .when(create(), { at: minute(0) })
      .then([
        {
          type: 'ticket.created',
          actor: person,
          data: {
            ticket: {
              id: TICKET_ID,
              title: 'Invoice PDF download returns error 500',
              status: 'open',
              priority: null,
              category: null,
              tags: ['billing', 'portal'],
              assignee: null,
              customer: { email: 'maria.keller@northwind.example', name: 'Maria Keller' },
              createdAt: minute(0),
              updatedAt: minute(0),
              resolvedAt: null,
              version: 1,
              triage: PENDING_EMPTY_TRIAGE,
              duplicateOf: null,
              escalation: null,
            },
          },
        },
      ]);
    expect(events[0]!.subject).toBe(TICKET_ID);
    expect(state).toMatchObject({ deleted: false, setByPerson: { priority: false, category: false }, statusBeforeDuplicate: null });
  });

  it('keeps tags distinct and leaves out a customer name that was not given', () => {
    given()
      .when(create({ tags: ['billing', 'portal', 'billing'], customer: { email: 'ap@contoso.example' } }))
      .then([{ type: 'ticket.created', data: { ticket: { tags: ['billing', 'portal'], customer: { email: 'ap@contoso.example' } } } }]);
  });

  it('takes priority, category and assignee chosen by the person who opens it, as set by a person', () => {
    const { state } = given()
      .when(create({ priority: 'critical', category: 'outage', assignee: 'u_3b9f11' }))
      .then([{ type: 'ticket.created', data: { ticket: { priority: 'critical', category: 'outage', assignee: 'u_3b9f11' } } }]);
    expect(state?.setByPerson).toEqual({ priority: true, category: true });
  });

  it('does not count a priority given by a system (e.g. an integration) as set by a person', () => {
    const { state } = given()
      .when(create({ priority: 'low' }), { by: { type: 'system', id: 'mail-gateway' } })
      .then([{ type: 'ticket.created', data: { ticket: { priority: 'low' } } }]);
    expect(state?.setByPerson).toEqual({ priority: false, category: false });
  });

  it('imports a historical ticket with its labels, status and timestamps, outside the triage chain', () => {
    const imported = create({
      priority: 'medium',
      category: 'account-access',
      assignee: 'u_3b9f11',
      imported: { status: 'resolved', createdAt: '2025-03-04T14:22:10.000Z', resolvedAt: '2025-03-04T16:05:41.000Z' },
    });
    const { state } = given()
      .when(imported, { by: importer, at: minute(0) })
      .then([
        {
          type: 'ticket.created',
          actor: importer,
          data: {
            ticket: {
              status: 'resolved',
              priority: 'medium',
              category: 'account-access',
              createdAt: '2025-03-04T14:22:10.000Z',
              updatedAt: minute(0),
              resolvedAt: '2025-03-04T16:05:41.000Z',
              version: 1,
              triage: null,
            },
          },
        },
      ]);
    // Labels of history count as a person's, whoever runs the import.
    expect(state?.setByPerson).toEqual({ priority: true, category: true });
  });

  it.each([
    ['resolved', { updatedAt: '2025-03-05T10:00:00.000Z' }, '2025-03-05T10:00:00.000Z'],
    ['closed', {}, '2025-03-04T14:22:10.000Z'],
    ['in_progress', { resolvedAt: '2025-03-05T10:00:00.000Z' }, null],
  ] as const)('imports a %s ticket with resolvedAt from what history tells (%o) → %s', (status, extra, resolvedAt) => {
    given()
      .when(create({ imported: { status, createdAt: '2025-03-04T14:22:10.000Z', ...extra } }), { by: importer })
      .then([{ type: 'ticket.created', data: { ticket: { status, resolvedAt } } }]);
  });

  it('refuses to create a ticket whose id already exists, deleted or not', () => {
    given(history(create())).when(create()).thenThrows(TicketAlreadyExistsError, new RegExp(`Ticket ${TICKET_ID} already exists`));
    given(history(create(), deleteTicket)).when(create()).thenThrows(TicketAlreadyExistsError);
  });
});

describe('UpdateTicket', () => {
  it('reports every field that really changed in one ticket.updated', () => {
    const { events } = given(history(create()))
      .when(update({ assignee: 'u_3b9f11', tags: ['billing', 'portal', 'month-end'], customer: { email: 'ap@contoso.example' } }))
      .then([
        {
          type: 'ticket.updated',
          data: {
            ticket: { assignee: 'u_3b9f11', tags: ['billing', 'portal', 'month-end'], customer: { email: 'ap@contoso.example' }, version: 2 },
            changes: [
              { field: 'tags', from: ['billing', 'portal'], to: ['billing', 'portal', 'month-end'] },
              { field: 'assignee', from: null, to: 'u_3b9f11' },
              { field: 'customer', from: { email: 'maria.keller@northwind.example', name: 'Maria Keller' }, to: { email: 'ap@contoso.example' } },
            ],
          },
        },
      ]);
    expect(theOne(events, 'ticket.updated').data.changes).toHaveLength(3);
  });

  it('lists only the fields whose value differs', () => {
    given(history(create({ assignee: 'u_1' })))
      .when(update({ title: 'Invoice PDF download returns error 500', assignee: 'u_2', tags: ['portal', 'billing'] }))
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'assignee', from: 'u_1', to: 'u_2' }] } }]);
  });

  it('records nothing when nothing really changes (same values, tags in another order, same status)', () => {
    given(history(create({ priority: 'high', customer: { email: 'ap@contoso.example' } })))
      .when(
        update({
          title: 'Invoice PDF download returns error 500',
          priority: 'high',
          tags: ['portal', 'billing', 'portal'],
          customer: { email: 'ap@contoso.example', name: undefined },
          status: 'open',
        }),
      )
      .thenNothingHappens();
    given(history(create())).when(update({})).thenNothingHappens();
  });

  it('clears optional fields to null', () => {
    given(history(create({ assignee: 'u_1', category: 'billing' })))
      .when(update({ assignee: null, category: null, customer: null }))
      .then([
        {
          type: 'ticket.updated',
          data: {
            ticket: { assignee: null, category: null, customer: null },
            changes: [
              { field: 'category', from: 'billing', to: null },
              { field: 'assignee', from: 'u_1', to: null },
              { field: 'customer', from: { email: 'maria.keller@northwind.example' }, to: null },
            ],
          },
        },
      ]);
  });

  it('reports a status change as ticket.status-changed after the field changes, never in ticket.updated', () => {
    given(history(create()))
      .when(update({ assignee: 'u_3b9f11', status: 'in_progress' }))
      .then([
        { type: 'ticket.updated', data: { changes: [{ field: 'assignee' }], ticket: { status: 'open', version: 2 } } },
        { type: 'ticket.status-changed', data: { from: 'open', to: 'in_progress', ticket: { status: 'in_progress', assignee: 'u_3b9f11', version: 3 } } },
      ]);
    given(history(create()))
      .when(update({ status: 'waiting' }))
      .then([{ type: 'ticket.status-changed', data: { from: 'open', to: 'waiting' } }]);
  });

  it('refuses the whole update when the status move is not allowed', () => {
    given(history(create(), changeStatus('closed')))
      .when(update({ assignee: 'u_1', status: 'resolved' }))
      .thenThrows(InvalidStatusTransitionError, /cannot move from closed to resolved/);
  });

  it('requests triage again when the title or description changes (content-changed), keeping the last suggestion visible', () => {
    const { events } = given(triagedHistory())
      .when(update({ description: 'Also fails for credit notes.', assignee: 'u_1' }))
      .then([
        { type: 'ticket.updated', data: { changes: [{ field: 'description' }, { field: 'assignee' }] } },
        {
          type: 'ticket.triage-requested',
          data: {
            reason: 'content-changed',
            ticket: { description: 'Also fails for credit notes.', triage: { status: 'pending', priority: 'high', category: 'billing' }, version: 4 },
          },
        },
      ]);
    expect(theOne(events, 'ticket.triage-requested').data.ticket.priority).toBe('high');
    given(history(create()))
      .when(update({ title: 'PDF invoices fail' }))
      .then([{ type: 'ticket.updated' }, { type: 'ticket.triage-requested', data: { reason: 'content-changed' } }]);
  });

  it('emits status change before the triage request, so the workflow gets the final ticket', () => {
    given(history(create()))
      .when(update({ title: 'PDF invoices fail', status: 'in_progress' }))
      .then([
        { type: 'ticket.updated' },
        { type: 'ticket.status-changed' },
        { type: 'ticket.triage-requested', data: { ticket: { title: 'PDF invoices fail', status: 'in_progress' } } },
      ]);
  });

  it('does not request triage for content changes of an imported ticket (it is history, already labelled)', () => {
    given(history(by(importer, create({ category: 'billing', imported: { status: 'open', createdAt: '2025-01-01T00:00:00.000Z' } }))))
      .when(update({ title: 'PDF invoices fail' }))
      .then([{ type: 'ticket.updated', data: { ticket: { triage: null } } }]);
  });

  it('refuses to change a ticket that never existed or was deleted', () => {
    given().when(update({ title: 'x' })).thenThrows(TicketNotFoundError, new RegExp(TICKET_ID));
    given(history(create(), deleteTicket)).when(update({ title: 'x' })).thenThrows(TicketNotFoundError);
  });
});

describe('ChangeStatus', () => {
  it('carries the reason when one is given, and none otherwise', () => {
    const { events } = given(history(create()))
      .when(changeStatus('waiting', 'asked the customer for the invoice number'))
      .then([{ type: 'ticket.status-changed', data: { from: 'open', to: 'waiting', reason: 'asked the customer for the invoice number' } }]);
    expect(events).toHaveLength(1);
    const { events: plain } = given(history(create())).when(changeStatus('in_progress')).then([{ type: 'ticket.status-changed' }]);
    expect(theOne(plain, 'ticket.status-changed').data).not.toHaveProperty('reason');
  });

  it('sets resolvedAt on resolve, keeps it on close, clears it on reopen', () => {
    const resolved = history(create(), changeStatus('in_progress'), by(person, changeStatus('resolved'), minute(30)));
    given(resolved)
      .when(changeStatus('closed'), { at: minute(90) })
      .then([{ type: 'ticket.status-changed', data: { ticket: { status: 'closed', resolvedAt: minute(30), updatedAt: minute(90) } } }]);
    given(resolved).when(changeStatus('open')).then([{ type: 'ticket.status-changed', data: { from: 'resolved', to: 'open', ticket: { resolvedAt: null } } }]);
  });

  it('sets resolvedAt when a ticket in work is closed without being resolved first', () => {
    given(history(create()))
      .when(changeStatus('closed', 'spam'), { at: minute(5) })
      .then([{ type: 'ticket.status-changed', data: { ticket: { resolvedAt: minute(5) } } }]);
  });

  it('does nothing when the ticket already has that status', () => {
    given(history(create(), changeStatus('waiting'))).when(changeStatus('waiting')).thenNothingHappens();
  });

  it('refuses a ticket that does not exist or was deleted', () => {
    given().when(changeStatus('in_progress')).thenThrows(TicketNotFoundError);
    given(history(create(), deleteTicket)).when(changeStatus('in_progress')).thenThrows(TicketNotFoundError);
  });
});

describe('DeleteTicket', () => {
  it('records ticket.deleted with the ticket as it was (version incremented) and marks it deleted', () => {
    const { state } = given(triagedHistory())
      .when(deleteTicket, { by: { type: 'user', id: 'u_admin_01' } })
      .then([{ type: 'ticket.deleted', data: { ticket: { status: 'open', priority: 'high', version: 3 } } }]);
    expect(state?.deleted).toBe(true);
  });

  it('is a no-op the second time', () => {
    given(history(create(), deleteTicket)).when(deleteTicket).thenNothingHappens();
  });

  it('refuses a ticket that never existed', () => {
    given().when(deleteTicket).thenThrows(TicketNotFoundError);
  });

  it.each<[string, TicketCommand]>([
    ['UpdateTicket', update({ assignee: 'u_1' })],
    ['ChangeStatus', changeStatus('in_progress')],
    ['RequestTriage', requestTriage()],
    ['ReopenFromDuplicate', reopenFromDuplicate],
    ['CloseAsDuplicate by a person', closeAsDuplicate()],
  ])('turns away %s on a deleted ticket as not found', (_name, command) => {
    given(history(create(), deleteTicket)).when(command).thenThrows(TicketNotFoundError, /does not exist or was deleted/);
  });

  it.each<[string, TicketCommand, typeof triageAgent]>([
    ['ApplyTriage', applyTriage(), triageAgent],
    ['RecordTriageFailure', recordTriageFailure, workflow],
    ['CloseAsDuplicate by an agent', closeAsDuplicate(), dedupeAgent],
    ['RecordEscalation', recordEscalation(1), escalationTimer],
  ])('ignores the late result %s on a deleted ticket', (_name, command, actor) => {
    given(history(create(), deleteTicket)).when(command, { by: actor }).thenNothingHappens();
  });

  it.each<[string, TicketCommand]>([
    ['ApplyTriage', applyTriage()],
    ['RecordTriageFailure', recordTriageFailure],
    ['RecordEscalation', recordEscalation(1)],
  ])('refuses %s for a ticket that never existed', (_name, command) => {
    given().when(command, { by: triageAgent }).thenThrows(TicketNotFoundError);
  });
});

describe('RequestTriage', () => {
  it('puts triage back to pending for a manual request, keeping the previous suggestion visible', () => {
    const { events } = given(triagedHistory())
      .when(requestTriage('manual'))
      .then([
        {
          type: 'ticket.triage-requested',
          data: { reason: 'manual', ticket: { version: 3, triage: { status: 'pending', priority: 'high', category: 'billing', confidence: 0.87 } } },
        },
      ]);
    expect(theOne(events, 'ticket.triage-requested').data.ticket.triage?.completedAt).toBe(minute(1));
  });

  it('retries after a failure', () => {
    given(history(create(), by(workflow, recordTriageFailure)))
      .when(requestTriage('retry'))
      .then([{ type: 'ticket.triage-requested', data: { reason: 'retry', ticket: { triage: PENDING_EMPTY_TRIAGE } } }]);
  });

  it('brings an imported ticket into triage when a person asks, without touching its labels', () => {
    const importedHistory = history(
      by(importer, create({ priority: 'low', category: 'how-to', imported: { status: 'open', createdAt: '2025-01-01T00:00:00.000Z' } })),
      requestTriage('manual'),
    );
    expect(importedHistory.at(-1)?.data.ticket.triage).toEqual(PENDING_EMPTY_TRIAGE);
    given(importedHistory)
      .when(applyTriage({ priority: 'critical', category: 'outage' }), { by: triageAgent })
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'triage' }], ticket: { priority: 'low', category: 'how-to' } } }]);
  });
});

describe('ApplyTriage', () => {
  it('records the suggestion and adopts priority and category when no person set them', () => {
    given(history(create()))
      .when(applyTriage(), { by: triageAgent, at: minute(1) })
      .then([
        {
          type: 'ticket.updated',
          actor: triageAgent,
          data: {
            ticket: { priority: 'high', category: 'billing', version: 2 },
            changes: [
              {
                field: 'priority',
                from: null,
                to: 'high',
              },
              { field: 'category', from: null, to: 'billing' },
              {
                field: 'triage',
                from: PENDING_EMPTY_TRIAGE,
                to: {
                  status: 'completed',
                  priority: 'high',
                  category: 'billing',
                  confidence: 0.87,
                  estimatedResolutionHours: 4,
                  recommendedSteps: ['Check the invoice-renderer logs', 'Retry one October invoice with a test account'],
                  model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
                  completedAt: minute(1),
                },
              },
            ],
          },
        },
      ]);
  });

  it('never overwrites a priority a person set at creation; adopts the category nobody set', () => {
    given(history(create({ priority: 'critical' })))
      .when(applyTriage(), { by: triageAgent })
      .then([
        {
          type: 'ticket.updated',
          data: {
            ticket: { priority: 'critical', category: 'billing', triage: { priority: 'high', category: 'billing' } },
            changes: [{ field: 'category' }, { field: 'triage' }],
          },
        },
      ]);
  });

  it('never overwrites priority and category a person corrected after an earlier triage', () => {
    const corrected = history(create(), by(triageAgent, applyTriage()), update({ priority: 'low', category: 'how-to' }), requestTriage());
    given(corrected)
      .when(applyTriage({ priority: 'critical', category: 'outage' }), { by: triageAgent })
      .then([
        {
          type: 'ticket.updated',
          data: {
            changes: [{ field: 'triage' }],
            ticket: { priority: 'low', category: 'how-to', triage: { status: 'completed', priority: 'critical', category: 'outage' } },
          },
        },
      ]);
  });

  it('lets a newer AI suggestion replace an earlier AI one (no person involved)', () => {
    given(triagedHistory())
      .when(applyTriage({ priority: 'medium', category: 'billing', confidence: 0.6 }), { by: triageAgent })
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'priority', from: 'high', to: 'medium' }, { field: 'triage' }] } }]);
  });

  it('hands the field back to the AI once a person clears it to null', () => {
    const cleared = history(create({ priority: 'low', category: 'how-to' }), update({ priority: null }));
    given(cleared)
      .when(applyTriage(), { by: triageAgent })
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'priority', from: null, to: 'high' }, { field: 'triage' }], ticket: { category: 'how-to' } } }]);
  });

  it('does not count a change by an agent as a person choice', () => {
    const { state } = given(history(create())).when(applyTriage(), { by: triageAgent }).then([{ type: 'ticket.updated' }]);
    expect(state?.setByPerson).toEqual({ priority: false, category: false });
  });

  it('ignores a redelivered result that is already recorded', () => {
    given(triagedHistory()).when(applyTriage(), { by: triageAgent }).thenNothingHappens();
  });

  it('records a result with the same values again after a new request (triage back from pending to completed)', () => {
    given(history(create(), by(triageAgent, applyTriage()), requestTriage()))
      .when(applyTriage(), { by: triageAgent })
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'triage' }], ticket: { triage: { status: 'completed' } } } }]);
  });
});

describe('RecordTriageFailure', () => {
  it('marks a pending triage failed', () => {
    given(history(create()))
      .when(recordTriageFailure, { by: workflow })
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'triage', from: PENDING_EMPTY_TRIAGE, to: { ...PENDING_EMPTY_TRIAGE, status: 'failed' } }] } }]);
  });

  it('keeps the previous suggestion visible when a re-triage fails', () => {
    given(history(create(), by(triageAgent, applyTriage()), requestTriage()))
      .when(recordTriageFailure, { by: workflow })
      .then([{ type: 'ticket.updated', data: { ticket: { priority: 'high', triage: { status: 'failed', priority: 'high', completedAt: minute(1) } } } }]);
  });

  it('ignores a redelivered failure and a stale one arriving after a completed triage', () => {
    given(history(create(), by(workflow, recordTriageFailure))).when(recordTriageFailure, { by: workflow }).thenNothingHappens();
    given(triagedHistory()).when(recordTriageFailure, { by: workflow }).thenNothingHappens();
  });
});

describe('CloseAsDuplicate', () => {
  it('links and closes a fresh ticket the chain found to duplicate another, with the score in the reason', () => {
    const { state } = given(history(create()))
      .when(closeAsDuplicate(OTHER_TICKET_ID, 0.957), { by: dedupeAgent, at: minute(1) })
      .then([
        { type: 'ticket.updated', data: { changes: [{ field: 'duplicateOf', from: null, to: OTHER_TICKET_ID }], ticket: { status: 'open', version: 2 } } },
        {
          type: 'ticket.status-changed',
          data: {
            from: 'open',
            to: 'closed',
            reason: `duplicate of ${OTHER_TICKET_ID} (similarity 0.957)`,
            ticket: { status: 'closed', duplicateOf: OTHER_TICKET_ID, resolvedAt: minute(1), version: 3 },
          },
        },
      ]);
    expect(state?.statusBeforeDuplicate).toBe('open');
  });

  it("gives a duplicate the chain closes its original's priority and category, never over a person's choice", () => {
    const original = { priority: 'high', category: 'billing' } as const;
    given(history(create()))
      .when({ ...closeAsDuplicate(OTHER_TICKET_ID, 0.95), original }, { by: dedupeAgent })
      .then([
        {
          type: 'ticket.updated',
          data: {
            changes: [
              { field: 'priority', from: null, to: 'high' },
              { field: 'category', from: null, to: 'billing' },
              { field: 'duplicateOf', from: null, to: OTHER_TICKET_ID },
            ],
            ticket: { priority: 'high', category: 'billing' },
          },
        },
        { type: 'ticket.status-changed' },
      ]);
    given(history(create({ priority: 'low' })))
      .when({ ...closeAsDuplicate(), original }, { by: dedupeAgent })
      .then([{ type: 'ticket.updated', data: { ticket: { priority: 'low', category: 'billing' } } }, { type: 'ticket.status-changed' }]);
    given(history(create()))
      .when({ ...closeAsDuplicate(), original: { priority: null, category: null } }, { by: dedupeAgent })
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'duplicateOf' }], ticket: { priority: null, category: null } } }, { type: 'ticket.status-changed' }]);
  });

  it('lets a person close a ticket in work as a duplicate by hand; undoing restores the status it had', () => {
    const inProgress = history(create(), changeStatus('in_progress'));
    const { events } = given(inProgress)
      .when(closeAsDuplicate())
      .then([{ type: 'ticket.updated' }, { type: 'ticket.status-changed', data: { from: 'in_progress', to: 'closed', reason: `duplicate of ${OTHER_TICKET_ID}` } }]);
    given([...inProgress, ...events])
      .when(reopenFromDuplicate)
      .then([
        { type: 'ticket.updated', data: { changes: [{ field: 'duplicateOf', from: OTHER_TICKET_ID, to: null }] } },
        {
          type: 'ticket.status-changed',
          data: { from: 'closed', to: 'in_progress', reason: `not a duplicate of ${OTHER_TICKET_ID}`, ticket: { resolvedAt: null, duplicateOf: null } },
        },
      ]);
  });

  it('restores a resolved ticket with the time it was resolved', () => {
    const closed = history(create(), by(person, changeStatus('resolved'), minute(20)), closeAsDuplicate());
    expect(closed.at(-1)?.data.ticket).toMatchObject({ status: 'closed', resolvedAt: minute(20) });
    given(closed)
      .when(reopenFromDuplicate)
      .then([{ type: 'ticket.updated' }, { type: 'ticket.status-changed', data: { to: 'resolved', ticket: { resolvedAt: minute(20) } } }]);
  });

  it('links a ticket that is already closed without a status change, and keeps it closed when undone', () => {
    const closed = history(create(), changeStatus('closed'));
    const { events } = given(closed).when(closeAsDuplicate()).then([{ type: 'ticket.updated', data: { ticket: { status: 'closed' } } }]);
    given([...closed, ...events]).when(reopenFromDuplicate).then([{ type: 'ticket.updated', data: { ticket: { status: 'closed', duplicateOf: null } } }]);
  });

  it('does not let the chain close a ticket a person has started on', () => {
    given(history(create(), changeStatus('in_progress'))).when(closeAsDuplicate(), { by: dedupeAgent }).thenNothingHappens();
    given(history(create(), changeStatus('waiting'))).when(closeAsDuplicate(), { by: dedupeAgent }).thenNothingHappens();
  });

  it('does not let the chain link again what a person unlinked; a person still may', () => {
    const unlinked = history(create(), by(dedupeAgent, closeAsDuplicate()), reopenFromDuplicate);
    given(unlinked).when(closeAsDuplicate(OTHER_TICKET_ID, 0.97), { by: dedupeAgent }).thenNothingHappens();
    given(unlinked).when(closeAsDuplicate(THIRD_TICKET_ID, 0.97), { by: dedupeAgent }).then([{ type: 'ticket.updated' }, { type: 'ticket.status-changed' }]);
    const { state } = given(unlinked).when(closeAsDuplicate()).then([{ type: 'ticket.updated' }, { type: 'ticket.status-changed' }]);
    expect(state?.notDuplicateOf).toEqual([]);
  });

  it('refuses a duplicate of itself (422)', () => {
    const error = given(history(create())).when(closeAsDuplicate(TICKET_ID)).thenThrows(DuplicateOfSelfError, /cannot be a duplicate of itself/);
    expect(error.kind).toBe('invalid');
  });

  it('refuses a ticket already a duplicate of another ticket (409); the same target again is a no-op', () => {
    const duplicate = history(create(), by(dedupeAgent, closeAsDuplicate()));
    const error = given(duplicate).when(closeAsDuplicate(THIRD_TICKET_ID)).thenThrows(AlreadyDuplicateError, new RegExp(OTHER_TICKET_ID));
    expect(error.kind).toBe('conflict');
    given(duplicate).when(closeAsDuplicate()).thenNothingHappens();
    given(duplicate).when(closeAsDuplicate(OTHER_TICKET_ID, 0.95), { by: dedupeAgent }).thenNothingHappens();
  });

  it('keeps a duplicate closed: reopening it by status is refused until the link is undone', () => {
    const duplicate = history(create(), by(dedupeAgent, closeAsDuplicate()));
    given(duplicate).when(changeStatus('open')).thenThrows(TicketClosedAsDuplicateError, /undo the duplicate link/);
    given(duplicate).when(update({ status: 'open', assignee: 'u_1' })).thenThrows(TicketClosedAsDuplicateError);
    given(duplicate).when(changeStatus('closed')).thenNothingHappens();
  });
});

describe('ReopenFromDuplicate', () => {
  it('unlinks and reopens a ticket the chain closed', () => {
    const { state } = given(history(create(), by(dedupeAgent, closeAsDuplicate(OTHER_TICKET_ID, 0.93))))
      .when(reopenFromDuplicate)
      .then([
        { type: 'ticket.updated', data: { changes: [{ field: 'duplicateOf', from: OTHER_TICKET_ID, to: null }], ticket: { status: 'closed' } } },
        { type: 'ticket.status-changed', data: { from: 'closed', to: 'open', ticket: { status: 'open', resolvedAt: null, duplicateOf: null } } },
      ]);
    expect(state?.statusBeforeDuplicate).toBeNull();
  });

  it('refuses a ticket that is not a duplicate (409)', () => {
    const error = given(history(create())).when(reopenFromDuplicate).thenThrows(NotADuplicateError, /not closed as a duplicate/);
    expect(error.kind).toBe('conflict');
  });

  it('lets the ticket be linked to another ticket afterwards', () => {
    given(history(create(), by(dedupeAgent, closeAsDuplicate()), reopenFromDuplicate))
      .when(closeAsDuplicate(THIRD_TICKET_ID))
      .then([{ type: 'ticket.updated', data: { changes: [{ field: 'duplicateOf', from: null, to: THIRD_TICKET_ID }] } }, { type: 'ticket.status-changed' }]);
  });
});

describe('RecordEscalation', () => {
  const critical = () => history(create({ priority: 'critical' }));

  it('records the escalation on the ticket', () => {
    given(critical())
      .when(recordEscalation(1, minute(61)), { by: escalationTimer })
      .then([
        {
          type: 'ticket.updated',
          actor: escalationTimer,
          data: {
            changes: [{ field: 'escalation', from: null, to: { level: 1, escalatedAt: minute(61), reason: 'critical ticket unresolved after 60 minutes' } }],
          },
        },
      ]);
  });

  it('ignores a redelivery or an older level, and records a higher one', () => {
    const escalated = history(create({ priority: 'critical' }), by(escalationTimer, recordEscalation(2)));
    given(escalated).when(recordEscalation(2), { by: escalationTimer }).thenNothingHappens();
    given(escalated).when(recordEscalation(1), { by: escalationTimer }).thenNothingHappens();
    given(escalated)
      .when(recordEscalation(3, minute(181)), { by: escalationTimer })
      .then([{ type: 'ticket.updated', data: { ticket: { escalation: { level: 3, escalatedAt: minute(181) } } } }]);
  });

  it('ignores an escalation of a resolved or closed ticket', () => {
    given(history(create({ priority: 'critical' }), changeStatus('resolved'))).when(recordEscalation(1), { by: escalationTimer }).thenNothingHappens();
    given(history(create({ priority: 'critical' }), changeStatus('closed'))).when(recordEscalation(1), { by: escalationTimer }).thenNothingHappens();
  });
});

describe('domain errors', () => {
  it.each([
    [new TicketNotFoundError('t-1'), 404],
    [new TicketAlreadyExistsError('t-1'), 409],
    [new InvalidStatusTransitionError('closed', 'resolved', 't-1', ['open']), 409],
    [new DuplicateOfSelfError('t-1'), 422],
    [new AlreadyDuplicateError('t-1', 't-2', 't-3'), 409],
    [new NotADuplicateError('t-1'), 409],
    [new TicketClosedAsDuplicateError('t-1', 't-2', 'open'), 409],
  ])('%s maps to HTTP %i and names the ticket', (error, status) => {
    expect(error).toBeInstanceOf(TicketDomainError);
    expect(error).toBeInstanceOf(Error);
    expect(HTTP_STATUS_OF_KIND[error.kind]).toBe(status);
    expect(error.ticketId).toBe('t-1');
    expect(error.message).toContain('t-1');
    expect(error.name).toBe(error.constructor.name);
  });

  it('says which moves are allowed when a status move is refused', () => {
    const error = given(history(create(), changeStatus('closed'))).when(changeStatus('waiting')).thenThrows(InvalidStatusTransitionError);
    expect(error).toMatchObject({ from: 'closed', to: 'waiting', ticketId: TICKET_ID, kind: 'conflict' });
    expect(error.message).toBe(`Ticket ${TICKET_ID} cannot move from closed to waiting; from closed it can move to open`);
  });
});

describe('a whole ticket life', () => {
  it('produces a history that validates event by event and whose versions count up from 1', () => {
    const events = history(
      create(),
      by(triageAgent, applyTriage()),
      update({ assignee: 'u_3b9f11', status: 'in_progress' }),
      by(escalationTimer, recordEscalation(1)),
      changeStatus('waiting', 'asked for the invoice number'),
      update({ title: 'PDF invoices fail for October', status: 'in_progress' }),
      by(workflow, recordTriageFailure),
      requestTriage('retry'),
      by(triageAgent, applyTriage({ priority: 'critical' })),
      changeStatus('resolved'),
      changeStatus('open', 'customer says it is back'),
      changeStatus('closed'),
      deleteTicket,
    );
    expect(events.map((event) => event.data.ticket.version)).toEqual(events.map((_event, index) => index + 1));
    expect(events.at(-1)).toMatchObject({ type: 'ticket.deleted', data: { ticket: { status: 'closed', priority: 'critical' } } });
  });
});
