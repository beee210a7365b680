import { describe, expect, it } from 'vitest';
import { recallAtK, replayPool } from './dedupe';
import type { PoolReport } from './dedupe-data';

const report = (ticketId: string, title: string, createdAt: string, dupGroup: string | null): PoolReport => ({
  ticketId,
  title,
  description: '',
  createdAt,
  project: 'P',
  source: 'test',
  dupGroup,
});

describe('replayPool', () => {
  it('counts a report whose older duplicate retrieval missed entirely as a query, and a miss', async () => {
    const pool = [
      report('a', 'printer jams on every page', '2024-01-01T00:00:00.000Z', 'g'),
      report('b', 'vpn drops hourly', '2024-01-02T00:00:00.000Z', null),
      report('c', 'paper stuck in tray', '2024-01-03T00:00:00.000Z', 'g'),
    ];
    const { outcomes } = await replayPool(pool, false);
    const queries = outcomes.filter((outcome) => outcome.hasOlderDuplicate);
    expect(queries.map((outcome) => outcome.report.ticketId)).toEqual(['c']);
    expect(queries[0]?.best).toBeUndefined();
    expect(recallAtK(queries, (outcome) => outcome.ranked)).toMatchObject({ queries: 1, at1: 0, at10: 0 });
  });
});
