import { describe, expect, it } from 'vitest';
import { priorityByRules, ruleConfidence } from './priority-rules';

describe('priorityByRules', () => {
  it.each([
    ['Production down since 9am, all users affected', 'critical'],
    ['Possible data loss after the upgrade', 'critical'],
    ['App crashes when saving', 'high'],
    ['Typo on the settings page', 'low'],
    ['Export to CSV is slow', 'medium'],
  ])('%s → %s', (text, priority) => {
    expect(priorityByRules(text).priority).toBe(priority);
  });

  it('is less sure when no rule matched', () => {
    expect(priorityByRules('Export to CSV is slow').confidence).toBe(ruleConfidence.fallback);
    expect(priorityByRules('App crashes').confidence).toBe(ruleConfidence.matched);
  });
});
