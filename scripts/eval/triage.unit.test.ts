import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateTriage, settlingModel, type TicketRow } from './triage';

const row = (id: string, title: string, category: string): TicketRow => ({ id, title, body: `${title}. Please help.`, category, source: 'desk', created: '2024-01-01' });
const billing = ['Invoice charged twice', 'Refund my duplicate payment', 'Wrong amount on my invoice', 'Card payment declined', 'Copy of last invoice', 'Charged after I cancelled'];
const access = ['Cannot log in after reset', 'Password reset email missing', 'Account locked out', 'Login code rejected', 'Need access to the folder', 'Single sign-on loops'];
const jsonl = (rows: TicketRow[]) => rows.map((r) => JSON.stringify(r)).join('\n');

let dataDir = '';
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('evaluateTriage', () => {
  it('with a held-out file, learns every dev row and scores every held-out row', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'eval-triage-'));
    writeFileSync(path.join(dataDir, 'tickets.dev.jsonl'), jsonl([...billing.map((t, i) => row(`b${i}`, t, 'billing')), ...access.map((t, i) => row(`a${i}`, t, 'access'))]));
    const heldOutFile = path.join(dataDir, 'tickets.test.jsonl');
    writeFileSync(heldOutFile, jsonl([row('t1', 'Refund the double charge on my invoice', 'billing'), row('t2', 'Password reset does not let me log in', 'access')]));

    const report = await evaluateTriage({ dataDir, useEmbeddings: false, heldOutFile });

    expect(report.protocol).toContain('learned from every dev row');
    expect(report.sources).toEqual([expect.objectContaining({ source: 'desk', learned: 12, scored: 2 })]);
    expect(report.sources[0]?.category.accuracy).toBe(1);
  });
});

describe('settlingModel', () => {
  it('scores with every learned label once settled, however fast the labels came', () => {
    const options = { ...settlingModel().model.options, refitAfterChangedShare: 10, neighbourVoteWeight: 0, nearDuplicateSimilarity: 2 };
    const { model, settle } = settlingModel(options);
    model.learnMany([...billing.map((t, i) => ({ id: `b${i}`, title: t, description: t, category: 'billing' })), ...access.map((t, i) => ({ id: `a${i}`, title: t, description: t, category: 'access' }))]);
    for (let i = 0; i < 6; i++) model.learn({ id: `b${i}`, title: billing[i]!, description: billing[i]!, category: 'access' });
    expect(model.unfitted).toBe(6);
    settle();
    model.triage({ id: 'new', title: 'Invoice charged twice', description: '' });
    expect(model.unfitted).toBe(0);
  });
});
