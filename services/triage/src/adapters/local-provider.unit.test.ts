import { describe, expect, it } from 'vitest';
import { labelledTickets } from '../../test/labelled-tickets';
import { TriageModel } from '../domain/triage-model';
import { triageResultSchema } from '../ports/triage-provider';
import { triageInput } from '../triage-input';
import { localTriageProvider } from './local-provider';

describe('localTriageProvider', () => {
  const model = new TriageModel();
  model.learnMany(labelledTickets);
  const provider = localTriageProvider(model);
  const ticket = { id: 'T-1', title: 'Invoice charged twice', description: 'My card was charged twice for one invoice.' };

  it('triages with the deployment model and returns the validated provider shape', async () => {
    const result = await provider.triage(triageInput(model, ticket));
    expect(provider.name).toBe('local');
    expect(triageResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({ provider: 'local', category: 'billing' });
  });

  it('gives other providers the taxonomy and a few labelled neighbours', () => {
    const input = triageInput(model, ticket);
    expect(input.taxonomy.categories).toEqual(['access', 'billing', 'hardware']);
    expect(input.examples.length).toBeGreaterThan(0);
    expect(input.examples[0]).toMatchObject({ category: 'billing', title: expect.any(String) as string });
  });

  it('rejects a result outside the shape (as a remote provider might return)', () => {
    const answer = { ...model.triage(ticket), confidence: 1.7, priority: 'urgent' };
    expect(triageResultSchema.safeParse(answer).success).toBe(false);
  });
});
