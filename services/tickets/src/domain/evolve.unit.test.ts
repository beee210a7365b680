import { describe, expect, it } from 'vitest';
import {
  applyTriage,
  by,
  changeStatus,
  closeAsDuplicate,
  create,
  dedupeAgent,
  deleteTicket,
  expectValidEvent,
  history,
  importer,
  OTHER_TICKET_ID,
  reopenFromDuplicate,
  requestTriage,
  triageAgent,
  update,
} from './decider-spec';
import { evolve, replay } from './evolve';
import { snapshotOf } from './state';

describe('replay', () => {
  it('is null for an empty history (a ticket that never existed)', () => {
    expect(replay([])).toBeNull();
  });

  it('rebuilds the ticket of the last event and everything derived from the history', () => {
    const events = history(
      create({ category: 'billing' }),
      by(triageAgent, applyTriage()),
      update({ priority: 'critical' }),
      changeStatus('in_progress'),
      by(dedupeAgent, closeAsDuplicate()),
      closeAsDuplicate(),
    );
    // The agent left the in-progress ticket alone; the person's close applied.
    expect(replay(events)).toEqual({
      ticket: events.at(-1)!.data.ticket,
      deleted: false,
      setByPerson: { priority: true, category: true },
      statusBeforeDuplicate: 'in_progress',
      notDuplicateOf: [],
    });
  });

  it('replays one event at a time to the same state as the whole history', () => {
    const events = history(create(), by(triageAgent, applyTriage()), requestTriage(), deleteTicket);
    events.forEach(expectValidEvent);
    let state = null as ReturnType<typeof replay>;
    for (const event of events) state = evolve(state, event);
    expect(state).toEqual(replay(events));
    expect(state?.deleted).toBe(true);
  });
});

describe('evolve: who set priority and category', () => {
  it('counts the labels of an import as a person’s, and nothing for a null label', () => {
    const events = history(by(importer, create({ priority: 'medium', imported: { status: 'closed', createdAt: '2025-01-01T00:00:00.000Z' } })));
    expect(replay(events)?.setByPerson).toEqual({ priority: true, category: false });
  });

  it('marks a field a person sets and releases it when a person clears it', () => {
    const set = history(create(), update({ priority: 'low', category: 'how-to' }));
    expect(replay(set)?.setByPerson).toEqual({ priority: true, category: true });
    const cleared = history(create(), update({ priority: 'low', category: 'how-to' }), update({ category: null }));
    expect(replay(cleared)?.setByPerson).toEqual({ priority: true, category: false });
  });

  it('keeps a person’s mark when the AI later records a suggestion', () => {
    const events = history(create(), update({ priority: 'low' }), requestTriage(), by(triageAgent, applyTriage()));
    expect(replay(events)).toMatchObject({ setByPerson: { priority: true, category: false }, ticket: { priority: 'low', category: 'billing' } });
  });
});

describe('evolve: duplicate links', () => {
  it('remembers the status before the link and forgets it when the link is undone', () => {
    const linked = history(create(), changeStatus('waiting'), closeAsDuplicate());
    expect(replay(linked)).toMatchObject({ statusBeforeDuplicate: 'waiting', ticket: { status: 'closed', duplicateOf: OTHER_TICKET_ID } });
    const undone = history(create(), changeStatus('waiting'), closeAsDuplicate(), reopenFromDuplicate);
    expect(replay(undone)).toMatchObject({ statusBeforeDuplicate: null, ticket: { status: 'waiting', duplicateOf: null } });
  });

  it('remembers which ticket a person, not an agent, said it is not a duplicate of', () => {
    const unlinked = history(create(), by(dedupeAgent, closeAsDuplicate()), reopenFromDuplicate);
    expect(replay(unlinked)?.notDuplicateOf).toEqual([OTHER_TICKET_ID]);
    expect(replay(history(create(), closeAsDuplicate(), by(dedupeAgent, reopenFromDuplicate)))?.notDuplicateOf).toEqual([]);
  });
});

describe('evolve without the creation (a partial history)', () => {
  it('starts from the snapshot the event carries', () => {
    const events = history(create(), changeStatus('in_progress'));
    expect(evolve(null, events[1]!)).toEqual({
      ticket: events[1]!.data.ticket,
      deleted: false,
      setByPerson: { priority: false, category: false },
      statusBeforeDuplicate: null,
      notDuplicateOf: [],
    });
  });
});

describe('snapshotOf', () => {
  it('is the ticket as reads see it: null when it never existed or was deleted', () => {
    const events = history(create());
    expect(snapshotOf(replay(events))).toEqual(events[0]!.data.ticket);
    expect(snapshotOf(null)).toBeNull();
    expect(snapshotOf(replay(history(create(), deleteTicket)))).toBeNull();
  });
});
