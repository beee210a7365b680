import { describe, expect, it } from 'vitest';
import { CURSOR_IDLE_MS, CursorRegistry } from './cursors';
import type { CursorReply } from './cursors';
import type { Doc } from './documents';

const docs = (count: number): Iterator<Doc> => Array.from({ length: count }, (_, i): Doc => ({ _id: i }))[Symbol.iterator]();
const batchOf = (reply: CursorReply): Doc[] => ('firstBatch' in reply ? reply.firstBatch : reply.nextBatch);

describe('CursorRegistry', () => {
  it('returns 101 documents first, then the rest through getMore, closing when drained', () => {
    const cursors = new CursorRegistry();

    const first = cursors.firstBatch('desk.t', docs(150));
    const id = first.id.toNumber();
    const more = cursors.getMore(id, 'desk.t', 30);
    const last = cursors.getMore(id, 'desk.t', undefined);

    expect([batchOf(first).length, batchOf(more).length, batchOf(last).length]).toEqual([101, 30, 19]);
    expect(batchOf(more)[0]).toEqual({ _id: 101 });
    expect(last.id.toNumber()).toBe(0);
    expect(cursors.size).toBe(0);
  });

  it('closes at once when the first batch holds everything, or when asked for a single batch', () => {
    const cursors = new CursorRegistry();

    expect(cursors.firstBatch('desk.t', docs(101)).id.toNumber()).toBe(0);
    expect(cursors.firstBatch('desk.t', docs(500), { batchSize: 2, singleBatch: true }).id.toNumber()).toBe(0);
    expect(cursors.size).toBe(0);
  });

  it('applies the projection to every batch', () => {
    const cursors = new CursorRegistry();
    const project = (batch: Doc[]): Doc[] => batch.map((doc) => ({ id: doc._id }));

    const first = cursors.firstBatch('desk.t', docs(3), { batchSize: 2, project });
    const rest = cursors.getMore(first.id.toNumber(), 'desk.t', 0);

    expect([...batchOf(first), ...batchOf(rest)]).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
  });

  it('answers CursorNotFound for killed, unknown or other-namespace cursors', () => {
    const cursors = new CursorRegistry();
    const id = cursors.firstBatch('desk.t', docs(10), { batchSize: 1 }).id.toNumber();

    expect(() => cursors.getMore(id, 'desk.other', 1)).toThrow(expect.objectContaining({ code: 43 }));
    expect(cursors.kill([id, 12345])).toEqual({ killed: [id], notFound: [12345] });
    expect(() => cursors.getMore(id, 'desk.t', 1)).toThrow(expect.objectContaining({ code: 43 }));
  });

  it('reaps cursors left idle too long and kills those of a dropped namespace', () => {
    let now = 0;
    const cursors = new CursorRegistry(() => now);
    const idle = cursors.firstBatch('desk.a', docs(10), { batchSize: 1 }).id.toNumber();
    cursors.firstBatch('desk.b', docs(10), { batchSize: 1 });

    now = CURSOR_IDLE_MS + 1;
    cursors.getMore(cursors.firstBatch('desk.c', docs(10), { batchSize: 1 }).id.toNumber(), 'desk.c', 1);
    cursors.reapIdle();
    expect(cursors.size).toBe(1);
    expect(() => cursors.getMore(idle, 'desk.a', 1)).toThrow(expect.objectContaining({ code: 43 }));

    cursors.killNamespace('desk.');
    expect(cursors.size).toBe(0);
  });
});
