import type { TicketSnapshot } from '@cogdesk/events-schema';
import { describe, expect, it } from 'vitest';
import type { Status, TicketCommand } from './commands';
import { changeStatus, create, given, history, minute, TICKET_ID, update } from './decider-spec';
import { InvalidStatusTransitionError } from './errors';
import { canTransition, resolvedAtAfter, STATUS_TRANSITIONS, TICKET_STATUSES } from './status-transitions';

// The lifecycle, written out independently of STATUS_TRANSITIONS: row = from, column = to.
// ✓ moves, · same status (no-op), ✗ refused.
//                 open  in_progress  waiting  resolved  closed
const TABLE = `
  open          ·     ✓            ✓        ✓         ✓
  in_progress   ✓     ·            ✓        ✓         ✓
  waiting       ✓     ✓            ·        ✓         ✓
  resolved      ✓     ✗            ✗        ·         ✓
  closed        ✓     ✗            ✗        ✗         ·
`;

const COLUMNS: Status[] = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];
const cases = TABLE.trim()
  .split('\n')
  .flatMap((line) => {
    const [from, ...marks] = line.trim().split(/\s+/) as [Status, ...string[]];
    return marks.map((mark, index) => ({ from, to: COLUMNS[index]!, outcome: mark === '✓' ? 'moves' : mark === '·' ? 'no-op' : 'refused' }));
  });

/** A ticket history that ends in `status` (every status is reachable from open in one move). */
const ticketIn = (status: Status) => history(create(), ...(status === 'open' ? [] : [changeStatus(status)]));

describe('status transitions', () => {
  it('covers every pair of statuses', () => {
    expect(cases).toHaveLength(TICKET_STATUSES.length ** 2);
    expect(new Set(cases.map((c) => `${c.from}>${c.to}`)).size).toBe(25);
  });

  it.each(cases)('ChangeStatus $from → $to: $outcome', ({ from, to, outcome }) => {
    const when = given(ticketIn(from)).when(changeStatus(to));
    if (outcome === 'moves') when.then([{ type: 'ticket.status-changed', data: { from, to, ticket: { status: to } } }]);
    if (outcome === 'no-op') when.thenNothingHappens();
    if (outcome === 'refused') {
      const error = when.thenThrows(InvalidStatusTransitionError, new RegExp(`Ticket ${TICKET_ID} cannot move from ${from} to ${to}`));
      expect(error).toMatchObject({ from, to, kind: 'conflict' });
    }
    expect(canTransition(from, to)).toBe(outcome === 'moves');
  });

  it.each(cases.filter((c) => c.outcome !== 'no-op'))('UpdateTicket with status $from → $to follows the same table', ({ from, to, outcome }) => {
    const command: TicketCommand = update({ status: to });
    const when = given(ticketIn(from)).when(command);
    if (outcome === 'moves') when.then([{ type: 'ticket.status-changed', data: { from, to } }]);
    else when.thenThrows(InvalidStatusTransitionError);
  });

  it('is the table the code declares', () => {
    for (const from of TICKET_STATUSES) {
      const expected = cases.filter((c) => c.from === from && c.outcome === 'moves').map((c) => c.to);
      expect([...STATUS_TRANSITIONS[from]].sort()).toEqual([...expected].sort());
    }
  });
});

describe('resolvedAtAfter', () => {
  const ticket = (status: Status, resolvedAt: string | null) => ({ status, resolvedAt }) as TicketSnapshot;

  it.each([
    ['open', null, 'resolved', minute(9)],
    ['waiting', null, 'closed', minute(9)],
    ['resolved', minute(3), 'closed', minute(3)],
    ['closed', minute(3), 'resolved', minute(3)],
    ['resolved', minute(3), 'open', null],
    ['closed', minute(3), 'open', null],
    ['closed', minute(3), 'in_progress', null],
    ['open', null, 'in_progress', null],
  ] as const)('%s (resolvedAt %s) → %s gives %s', (from, resolvedAt, to, expected) => {
    expect(resolvedAtAfter(ticket(from, resolvedAt), to, minute(9))).toBe(expected);
  });
});
