import { describe, expect, it } from 'vitest';
import { recommendSteps, type StepsInput } from './recommended-steps';

const input = (overrides: Partial<StepsInput>): StepsInput => ({
  title: 'Export fails',
  description: 'Exporting the report fails with an error.',
  priority: 'medium',
  category: 'reports',
  similar: [],
  ...overrides,
});

describe('recommendSteps', () => {
  it('routes by priority and category, and asks for what the report lacks', () => {
    expect(recommendSteps(input({}))).toEqual([
      'Queue in the reports queue for the next working day.',
      'Collect the full error message, stack trace and logs around the failure.',
      'Ask for exact steps to reproduce, with expected and actual results.',
      'Confirm the affected version and environment.',
    ]);
  });

  it('puts security and data safety first, and pages for critical tickets', () => {
    const steps = recommendSteps(input({ priority: 'critical', description: 'Security issue: data loss for all users in version 2.1' }));
    expect(steps.slice(0, 3)).toEqual([
      'Treat as a security report: restrict who can see it and involve the security contact.',
      'Protect the affected data first (backup or snapshot) before trying any fix.',
      'Acknowledge now and page the on-call owner of the reports queue; post status updates until it is mitigated.',
    ]);
  });

  it('points to a similar resolved ticket and a likely duplicate', () => {
    const steps = recommendSteps(input({
      similar: [
        { ticketId: 'T-9', title: 'Export fails', similarity: 0.93 },
        { ticketId: 'T-4', title: 'Export error on large reports', similarity: 0.6, resolutionHours: 5 },
      ],
    }));
    expect(steps).toContain('Check whether it duplicates T-9 ("Export fails"), 93% similar.');
    expect(steps).toContain('Reuse what resolved T-4 ("Export error on large reports"), 60% similar; it took 5 h.');
  });

  it('treats requests and questions differently from defects', () => {
    expect(recommendSteps(input({ title: 'Please add dark mode', description: 'It would be nice to have.', priority: 'low' }))).toEqual([
      'Add to the backlog of the reports queue; batch it with similar low-priority work.',
      'Record the use case and expected behaviour, then put it to the product backlog.',
    ]);
    expect(recommendSteps(input({ title: 'How do I share a report?', description: 'Looking for the share button.', category: null }))).toEqual([
      'Queue in the right team for the next working day.',
      'Answer with a pointer to the relevant documentation; add to the docs if the question recurs.',
    ]);
  });

  it('gives at most five steps', () => {
    const many = recommendSteps(input({
      priority: 'high',
      description: 'Security breach and data loss, error everywhere',
      similar: [{ ticketId: 'T-1', title: 'x', similarity: 0.95 }, { ticketId: 'T-2', title: 'y', similarity: 0.5, resolutionHours: 1 }],
    }));
    expect(many).toHaveLength(5);
  });
});
