import { describe, expect, it } from 'vitest';
import { labelledTickets } from '../../test/labelled-tickets';
import { TriageModel, type TriageModelSnapshot, defaultTriageModelOptions, medianLevel } from './triage-model';
import type { LabelledExample, TicketText } from './types';

const ticket = (title: string, description = ''): TicketText => ({ id: `new-${title}`, title, description });
const trained = () => {
  const model = new TriageModel();
  model.learnMany(labelledTickets);
  return model;
};

describe('TriageModel', () => {
  it('learns the categories and priorities of its labelled history', () => {
    const model = trained();
    const billing = model.triage(ticket('Refund the duplicate charge on my invoice'));
    const hardware = model.triage(ticket('Printer jams and the laptop screen flickers'));
    expect([billing.category, billing.priority, billing.categoryBasis, billing.priorityBasis]).toEqual(['billing', 'medium', 'learned', 'learned']);
    expect([hardware.category, hardware.priority]).toEqual(['hardware', 'low']);
    expect(model.taxonomy()).toEqual({ categories: ['access', 'billing', 'hardware'], priorities: ['low', 'medium', 'high'] });
  });

  it('learns one example at a time, as imports and corrections arrive', () => {
    const model = new TriageModel();
    for (const example of labelledTickets) model.learn(example);
    expect(model.size).toBe(labelledTickets.length);
    expect(model.triage(ticket('Cannot log in, password rejected')).category).toBe('access');
  });

  it('lets a correction act on the next triage, before any refit', () => {
    const model = new TriageModel({ ...defaultTriageModelOptions, refitAfterChangedShare: 10 });
    model.learnMany(labelledTickets);
    const report: LabelledExample = { id: 'r-1', title: 'Checkout page shows an error after login', description: 'The checkout page shows an error right after login.', category: 'billing' };
    model.learn(report);
    const recurrence = ticket(report.title, report.description);
    expect(model.triage(recurrence).category).toBe('billing');

    model.learn({ ...report, category: 'access' });

    const corrected = model.triage(recurrence);
    expect(corrected.category).toBe('access');
    expect(corrected.neighbours[0]?.ticketId).toBe('r-1');
  });

  it('refits at a triage once labels changed and its last fit is stale, however few changed', () => {
    let now = 0;
    let tick = 300;
    // Only the linear model decides, and a share of changes never triggers a refit.
    const options = { ...defaultTriageModelOptions, refitAfterChangedShare: 10, neighbourVoteWeight: 0, nearDuplicateSimilarity: 2 };
    const model = new TriageModel(options, () => (now += tick));
    model.learnMany(labelledTickets); // the clock moves 300 ms a reading: the fit ends at 600 having taken 300 ms
    tick = 0;
    for (const example of labelledTickets.filter((t) => t.category === 'hardware')) model.learn({ ...example, category: 'access' });
    const printer = ticket('Printer jams on every page');

    now = 600 + 2_999; // stale after max(staleRefitAfterMs 2,000, 10 × the fit's 300 ms)
    expect(model.triage(printer).category).toBe('hardware');
    expect(model.unfitted).toBe(6);

    now = 600 + 3_000;
    expect(model.triage(printer).category).toBe('access');
    expect(model.unfitted).toBe(0);

    // Re-taught with the same text and labels (a status change, a resolution time): nothing to refit for.
    const [resolved] = labelledTickets;
    model.learn({ ...resolved!, resolutionHours: 5 });
    expect(model.unfitted).toBe(0);
    model.learn({ ...resolved!, resolutionHours: 5, priority: 'high' });
    expect(model.unfitted).toBe(1);
  });

  it('recognises a question by how it asks, even in words its history never used for one', () => {
    const asked = ['How do I configure the proxy', 'How can I change the colour theme', 'Is there a way to hide the sidebar', 'Any idea how to reset my settings', 'Is it possible to pin a tab', 'How should I set the default font'];
    const wanted = ['Add export of reports to CSV', 'Support exporting reports as PDF', 'Add a dark colour theme', 'Allow pinning reports to the home page', 'Add keyboard shortcuts for reports', 'Support scheduled report exports'];
    const broken = ['Report export crashes with an error', 'Sidebar flickers after the update', 'Proxy settings are lost on restart', 'Font rendering broken in reports', 'Tabs close unexpectedly', 'Theme resets to default on start'];
    const model = new TriageModel();
    model.learnMany(
      [...asked.map((title) => [title, 'question']), ...wanted.map((title) => [title, 'feature']), ...broken.map((title) => [title, 'bug'])].map(([title, category], i) => ({
        id: `gh-${i}`,
        title: title!,
        description: '',
        category: category!,
      })),
    );

    // Its topic words lean to a feature request ("keyboard shortcuts"); "not sure whether" is how people ask.
    expect(model.triage(ticket('Not sure whether keyboard shortcuts work in the sidebar')).category).toBe('question');
  });

  it('reads priority as ordered levels: the median level, not the likeliest one', () => {
    expect(medianLevel([0.4, 0.2, 0.1, 0.3])).toBe(1);
    expect(medianLevel([0.6, 0.2, 0.1, 0.1])).toBe(0);
    expect(medianLevel([0.1, 0.1, 0.2, 0.6])).toBe(3);
    expect(medianLevel([0.25, 0.25, 0.25, 0.25])).toBe(1);
  });

  it('fits the linear model on the most recently learned tickets only, so a refit stays bounded', () => {
    const model = new TriageModel({ ...defaultTriageModelOptions, maxFittedExamples: 12, neighbourVoteWeight: 0 });
    const old = labelledTickets.filter((example) => example.category === 'billing').slice(0, 6);
    const recent = labelledTickets.filter((example) => example.category !== 'billing').slice(0, 12);
    model.learnMany([...old, ...recent]);
    expect(model.size).toBe(old.length + recent.length); // the neighbour memory still has every ticket
    expect(model.triage(ticket('Refund the duplicate charge on my invoice')).category).not.toBe('billing');
    expect(new TriageModel({ ...defaultTriageModelOptions, neighbourVoteWeight: 0 }).options.maxFittedExamples).toBe(10_000);
  });

  it('searches neighbours among the most recently learned or corrected tickets only, so a triage stays fast', () => {
    const model = new TriageModel({ ...defaultTriageModelOptions, maxNeighbourExamples: 3 });
    const history = labelledTickets.slice(0, 6);
    for (const example of history) model.learn(example);
    const first = history[0]!;
    const query = { id: 'query', title: first.title, description: first.description };
    expect(model.triage(query).neighbours.map((n) => n.ticketId)).not.toContain(first.id);

    model.learn({ ...first, priority: 'high' }); // a person corrects the oldest ticket: it is recent again
    expect(model.triage(query).neighbours[0]?.ticketId).toBe(first.id);
  });

  it('remembers only the tickets its fit or its neighbour search can reach, so memory stays bounded', () => {
    const model = new TriageModel({ ...defaultTriageModelOptions, maxFittedExamples: 3, maxNeighbourExamples: 4 });
    const history = labelledTickets.slice(0, 6);
    for (const example of history) model.learn(example);

    expect(model.size).toBe(4);
    expect(model.example(history[0]!.id)).toBeUndefined();
    expect(model.example(history[1]!.id)).toBeUndefined();
    expect(model.example(history[2]!.id)).toEqual(history[2]);
    model.learn({ ...history[2]!, priority: 'critical' }); // corrected: the most recent again
    model.learn({ ...history[0]!, id: 'another' });
    expect(model.example(history[2]!.id)?.priority).toBe('critical');
    expect(model.example(history[3]!.id)).toBeUndefined();
  });

  it('reads only the most recent tickets it remembers when it learns many at once', () => {
    const model = new TriageModel({ ...defaultTriageModelOptions, maxFittedExamples: 2, maxNeighbourExamples: 3 });
    const history = labelledTickets.slice(0, 6);
    const unreadable = (example: LabelledExample): LabelledExample =>
      Object.defineProperty({ ...example }, 'title', {
        get: () => {
          throw new Error(`read ${example.id}`);
        },
      });
    model.learnMany([...history.slice(0, 3).map(unreadable), ...history.slice(3)]);

    expect(model.size).toBe(3);
    expect(model.example(history[5]!.id)).toEqual(history[5]);
  });

  it('forgets a ticket entirely', () => {
    const model = trained();
    const unique: LabelledExample = { id: 'lab-1', title: 'Centrifuge rotor imbalance alarm', description: 'The centrifuge rotor imbalance alarm sounds.', category: 'lab equipment' };
    model.learn(unique);
    expect(model.triage(ticket(unique.title, unique.description)).category).toBe('lab equipment');

    model.forget('lab-1');

    const after = model.triage(ticket(unique.title, unique.description));
    expect(after.category).not.toBe('lab equipment');
    expect(after.neighbours.map((n) => n.ticketId)).not.toContain('lab-1');
    expect(model.taxonomy().categories).not.toContain('lab equipment');
  });

  it('keeps every confidence and similarity within 0..1', () => {
    const model = trained();
    for (const text of ['Printer jams', 'Invoice wrong', 'Cannot log in', 'Something completely different', '']) {
      const result = model.triage(ticket(text));
      for (const value of [result.confidence, result.priorityConfidence, result.categoryConfidence, ...result.neighbours.map((n) => n.similarity)]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });

  it('estimates resolution hours from similar resolved tickets, and gives none without any', () => {
    const model = trained();
    expect(model.triage(ticket('Printer jams on every page')).estimatedResolutionHours).toBeNull();

    model.learnMany([
      { id: 'p-1', title: 'Printer jams on every page', description: 'Printer jams.', category: 'hardware', resolutionHours: 4 },
      { id: 'p-2', title: 'Printer jams with thick paper', description: 'Printer jams.', category: 'hardware', resolutionHours: 6 },
    ]);

    const estimate = model.triage(ticket('Printer jams on every page', 'Printer jams.')).estimatedResolutionHours;
    expect(estimate === 4 || estimate === 6).toBe(true);
  });

  it('reports the neighbours it leaned on, most similar first, never the ticket itself', () => {
    const model = trained();
    const { neighbours } = model.triage({ id: 'hw-1', title: 'Printer on floor 3 jams on every page', description: '' });
    expect(neighbours.length).toBeGreaterThan(0);
    expect(neighbours.map((n) => n.ticketId)).not.toContain('hw-1');
    expect(neighbours.map((n) => n.similarity)).toEqual([...neighbours.map((n) => n.similarity)].sort((a, b) => b - a));
  });

  it('survives a JSON round trip with identical results', () => {
    const model = trained();
    const reloaded = TriageModel.fromJSON(JSON.parse(JSON.stringify(model)) as TriageModelSnapshot);
    for (const text of ['Refund please', 'Printer jams', 'Password reset fails']) {
      expect(reloaded.triage(ticket(text))).toEqual(model.triage(ticket(text)));
    }
  });

  it('draws labelled examples for providers that reason by example', () => {
    const [closest] = trained().similarExamples(ticket('Printer prints blank pages'), 3);
    expect(closest).toMatchObject({ ticketId: 'hw-4', title: 'Printer prints blank pages', category: 'hardware', priority: 'low' });
    expect(closest).not.toHaveProperty('id');
  });

  describe('before it has seen enough labels', () => {
    it('with none: no category, priority from keyword rules, low confidence', () => {
      const result = new TriageModel().triage(ticket('Production is down for all users'));
      expect(result).toMatchObject({ category: null, categoryBasis: 'rules', priority: 'critical', priorityBasis: 'rules' });
      expect(result.confidence).toBeLessThanOrEqual(defaultTriageModelOptions.coldStartConfidence);
    });

    it('with a few: category from the most similar labelled ticket, still capped confidence', () => {
      const model = new TriageModel();
      for (const example of labelledTickets.filter((_, i) => i % 6 === 0)) model.learn(example);
      const result = model.triage(ticket('My laptop screen flickers'));
      expect(result).toMatchObject({ category: 'hardware', categoryBasis: 'rules', priorityBasis: 'rules' });
      expect(result.categoryConfidence).toBeLessThanOrEqual(defaultTriageModelOptions.coldStartConfidence);
    });

    it('keeps priority on the rules when people only ever set categories', () => {
      const model = new TriageModel();
      model.learnMany(labelledTickets.map(({ priority: _priority, ...example }) => example));
      const result = model.triage(ticket('The app crashes on start'));
      expect(result).toMatchObject({ categoryBasis: 'learned', priority: 'high', priorityBasis: 'rules' });
      expect(result.confidence).toBe(result.categoryConfidence);
    });
  });
});
