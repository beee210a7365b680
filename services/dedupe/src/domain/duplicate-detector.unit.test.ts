import { describe, expect, it } from 'vitest';
import type { CalibrationModel } from './calibration';
import { DuplicateDetector, isDuplicate, type SimilarTicket, type TicketDocument } from './duplicate-detector';

const tickets: readonly TicketDocument[] = [
  {
    ticketId: 'npe',
    title: 'NullPointerException in DFSClient.close',
    description: 'Closing a stream twice throws java.lang.NullPointerException at DFSClient.close(DFSClient.java:709).',
    createdAt: '2024-01-01T09:00:00.000Z',
  },
  {
    ticketId: 'login',
    title: 'Login page is blank in Safari',
    description: 'After entering my password the page stays white. Chrome works.',
    createdAt: '2024-01-02T09:00:00.000Z',
  },
  {
    ticketId: 'printer',
    title: 'Printer on floor 3 jams',
    description: 'The printer jams on every second page since Monday.',
    createdAt: '2024-01-02T10:00:00.000Z',
  },
  {
    ticketId: 'vpn',
    title: 'VPN disconnects every hour',
    description: 'The VPN client drops the connection about once an hour and I have to log in again.',
    createdAt: '2024-01-02T11:00:00.000Z',
  },
];

const newNpeReport = {
  ticketId: 'npe-again',
  title: 'DFSClient.close throws NullPointerException',
  description: 'When the stream was already closed, close() fails with a NullPointerException in DFSClient.',
  createdAt: '2024-01-03T09:00:00.000Z',
};

function detectorWith(documents: readonly TicketDocument[] = tickets): DuplicateDetector {
  const detector = new DuplicateDetector();
  for (const ticket of documents) detector.upsert(ticket);
  return detector;
}

const matched = (results: readonly SimilarTicket[]) => results.map((result) => result.ticketId);

describe('DuplicateDetector.findSimilar', () => {
  it('puts the report of the same problem first, with a probability and the evidence for it', () => {
    const [best, ...rest] = detectorWith().findSimilar(newNpeReport, 3);
    expect(best?.ticketId).toBe('npe');
    expect(best?.title).toBe('NullPointerException in DFSClient.close');
    expect(best?.signals.title).toBeGreaterThan(0.5);
    expect(best?.signals.identifiers).toBeGreaterThan(0.3);
    expect(best?.signals.sharedIdentifiers).toEqual(expect.arrayContaining(['nullpointerexception', 'dfsclient']));
    expect(best?.signals.daysApart).toBeCloseTo(2, 10);
    expect(best?.signals.lexicalRank).toBe(1);
    expect(best?.signals.lexicalMargin).toBeGreaterThan(0);
    for (const other of rest) expect(other.score).toBeLessThan(best!.score);
  });

  it('orders results by score, all within 0..1, at most k of them', () => {
    const results = detectorWith().findSimilar({ title: 'VPN page blank', description: 'the vpn login page is blank' }, 2);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.score).toBeGreaterThan(0);
      expect(result.score).toBeLessThan(1);
    }
    expect(results[0]!.score).toBeGreaterThanOrEqual(results[1]!.score);
  });

  it('never returns the query ticket itself', () => {
    const detector = detectorWith([...tickets, newNpeReport]);
    expect(matched(detector.findSimilar({ ticketId: 'npe-again' }, 5))).not.toContain('npe-again');
    expect(matched(detector.findSimilar(newNpeReport, 5))).not.toContain('npe-again');
    expect(detector.findSimilar({ ticketId: 'npe-again' }, 1)[0]?.ticketId).toBe('npe');
  });

  it('answers a free-text search', () => {
    expect(detectorWith().findSimilar({ title: 'vpn keeps disconnecting', description: '' }, 1)[0]?.ticketId).toBe('vpn');
  });

  it('returns nothing for an unknown ticket id or an empty index', () => {
    expect(detectorWith().findSimilar({ ticketId: 'missing' }, 5)).toEqual([]);
    expect(new DuplicateDetector().findSimilar(newNpeReport, 5)).toEqual([]);
  });

  it('follows updates and deletions', () => {
    const detector = detectorWith();
    detector.upsert({ ...tickets[0]!, title: 'Monitor flickers', description: 'The second monitor flickers at 60 Hz.' });
    expect(detector.findSimilar(newNpeReport, 1)[0]?.ticketId).not.toBe('npe');
    detector.upsert(tickets[0]!);
    expect(detector.findSimilar(newNpeReport, 1)[0]?.ticketId).toBe('npe');
    expect(detector.remove('npe')).toBe(true);
    expect(matched(detector.findSimilar(newNpeReport, 5))).not.toContain('npe');
    expect(detector.size).toBe(3);
  });

  it('rates a match filed days earlier above the same match filed years earlier', () => {
    const query = { ...newNpeReport, createdAt: '2024-06-01T09:00:00.000Z' };
    const bestWhenFiled = (createdAt: string) =>
      detectorWith([{ ...tickets[0]!, createdAt }, ...tickets.slice(1)]).findSimilar(query, 1)[0]!;
    const recent = bestWhenFiled('2024-05-30T09:00:00.000Z');
    const old = bestWhenFiled('2019-05-30T09:00:00.000Z');
    expect(recent.ticketId).toBe('npe');
    expect(recent.signals.lexical).toBeCloseTo(old.signals.lexical, 10);
    expect(recent.score).toBeGreaterThan(old.score);
  });

  it('uses the text-only model when a creation time is missing', () => {
    const { createdAt: _createdAt, ...undated } = newNpeReport;
    const [best] = detectorWith().findSimilar(undated, 1);
    expect(best?.ticketId).toBe('npe');
    expect(best?.signals.daysApart).toBeUndefined();
    expect(best?.score).toBeGreaterThan(0);
  });

  it('adds semantic neighbours as candidates and bounds the embedding similarity of the others', () => {
    const semanticNeighbours = [
      { ticketId: 'printer', similarity: 0.7 },
      { ticketId: 'npe', similarity: 0.8 },
    ];
    const results = detectorWith().findSimilar(newNpeReport, 4, { semanticNeighbours });
    const byId = new Map(results.map((result) => [result.ticketId, result]));
    expect(byId.get('printer')?.signals.embedding).toBe(0.7);
    expect(byId.get('npe')?.signals.embedding).toBe(0.8);
    for (const result of results) expect(result.signals.embedding).toBeLessThanOrEqual(0.8);
  });

  it('orders by the calibration model it is given', () => {
    const byEmbedding: CalibrationModel = { name: 'embedding', features: ['embedding'], intercept: 0, coefficients: { embedding: 5 } };
    const detector = new DuplicateDetector({ models: [byEmbedding] });
    for (const ticket of tickets) detector.upsert(ticket);
    const semanticNeighbours = [
      { ticketId: 'printer', similarity: 0.9 },
      { ticketId: 'npe', similarity: 0.1 },
    ];
    expect(detector.findSimilar(newNpeReport, 1, { semanticNeighbours })[0]?.ticketId).toBe('printer');
  });
});

describe('DuplicateDetector signals', () => {
  // Web-compatibility reports share a form: browser, system, steps. Only the site and the fault differ.
  const formReport = (ticketId: string, site: string, fault: string): TicketDocument => ({
    ticketId,
    title: `${site} - ${fault}`,
    description: `Browser: SeaMonkey 2.53 on Windows 10. Steps to reproduce: open https://${site}/ and look. ${fault}.`,
    createdAt: '2024-01-02T09:00:00.000Z',
  });
  const forms = [
    formReport('f1', 'shop.example', 'Buttons do not respond'),
    formReport('f2', 'news.example', 'Video list does not load'),
    formReport('f3', 'bank.example', 'Login form is hidden'),
    formReport('f4', 'maps.example', 'Tiles are grey'),
    formReport('f5', 'mail.example', 'Attachments cannot be opened'),
    formReport('f6', 'wiki.example', 'Menu overlaps the text'),
  ];

  it('says how much of each title the other report mentions', () => {
    const detector = detectorWith();
    const npe = detector.compare(newNpeReport, 'npe')!;
    expect(npe.signals.queryTitleCoverage).toBeCloseTo(1, 10);
    expect(npe.signals.candidateTitleCoverage).toBeCloseTo(1, 10);
    const printer = detector.compare(newNpeReport, 'printer')!;
    expect(printer.signals.queryTitleCoverage).toBe(0);
    expect(printer.signals.candidateTitleCoverage).toBe(0);
    const partly = detector.compare({ ...newNpeReport, title: 'DFSClient close flakiness' }, 'npe')!;
    expect(partly.signals.queryTitleCoverage).toBeGreaterThan(0.3);
    expect(partly.signals.queryTitleCoverage).toBeLessThan(0.8);
  });

  it('tells a match that stands out from the other candidates from one that only shares a form with them', () => {
    const detector = detectorWith([...tickets, ...forms]);
    const sameForm = detector.findSimilar(formReport('q1', 'travel.example', 'Calendar does not open'), 1)[0]!;
    const sameFault = detector.findSimilar(formReport('q2', 'news.example', 'Video list does not load any more'), 1)[0]!;
    expect(sameFault.ticketId).toBe('f2');
    expect(sameFault.signals.lexicalStandout).toBeGreaterThan(3);
    expect(sameForm.signals.lexicalStandout).toBeLessThan(2);
    expect(sameFault.score).toBeGreaterThan(sameForm.score);
  });

  it('compares a candidate with the whole candidate pool, however few candidates are asked for', () => {
    const detector = detectorWith([...tickets, ...forms]);
    const query = formReport('q2', 'news.example', 'Video list does not load any more');
    const [first] = detector.candidates(query, 1);
    const [firstOfAll] = detector.candidates(query, 30);
    expect(detector.candidates(query, 1)).toHaveLength(1);
    expect(first).toEqual(firstOfAll);
    expect(first?.signals.lexicalMargin).toBeLessThan(first!.signals.lexical);
  });

  it('gives no standout while there are too few other tickets to compare with', () => {
    const [best] = detectorWith().findSimilar(newNpeReport, 1);
    expect(best?.signals.lexicalStandout).toBe(0);
  });
});

describe('DuplicateDetector.compare', () => {
  it('scores any indexed ticket against the query, in the context of its other candidates', () => {
    const detector = detectorWith();
    const unrelated = detector.compare(newNpeReport, 'printer');
    const same = detector.compare(newNpeReport, 'npe');
    expect(unrelated?.signals.lexicalRank).toBeGreaterThan(1);
    expect(same?.signals.lexicalRank).toBe(1);
    expect(same!.score).toBeGreaterThan(unrelated!.score);
    expect(detector.compare(newNpeReport, 'missing')).toBeUndefined();
  });
});

describe('DuplicateDetector snapshots', () => {
  it('rebuilds an equivalent detector from its snapshot', () => {
    const detector = detectorWith();
    detector.remove('login');
    const snapshot = JSON.parse(JSON.stringify(detector.snapshot())) as ReturnType<DuplicateDetector['snapshot']>;
    const rebuilt = DuplicateDetector.fromSnapshot(snapshot);
    expect(rebuilt.size).toBe(3);
    expect(rebuilt.findSimilar(newNpeReport, 3)).toEqual(detector.findSimilar(newNpeReport, 3));
  });
});

describe('isDuplicate', () => {
  const match = (score: number): SimilarTicket => ({
    ticketId: 'x',
    title: 'x',
    score,
    signals: {
      lexical: 0,
      title: 0,
      words: 0,
      identifiers: 0,
      bigrams: 0,
      lexicalRank: 1,
      lexicalMargin: 0,
      lexicalStandout: 0,
      queryTitleCoverage: 0,
      candidateTitleCoverage: 0,
      sharedIdentifiers: [],
    },
  });

  it('holds at or above the threshold, 0.9 by default', () => {
    expect(isDuplicate(match(0.9))).toBe(true);
    expect(isDuplicate(match(0.89))).toBe(false);
    expect(isDuplicate(match(0.6), 0.5)).toBe(true);
    expect(isDuplicate(undefined)).toBe(false);
  });
});
