import { describe, expect, it } from 'vitest';
import { doubleCharge } from '../../test/triage-inputs';
import { TriageProviderError, triageResultSchema } from '../ports/triage-provider';
import { toTriageResult } from './triage-answer';

const source = { provider: 'bedrock', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' };
const answer = { priority: 'high', category: 'billing', confidence: 0.86, estimatedResolutionHours: 6, recommendedSteps: ['Refund the duplicate charge'] };

function failureOf(run: () => unknown): TriageProviderError {
  try {
    run();
  } catch (error) {
    if (error instanceof TriageProviderError) return error;
    throw error;
  }
  throw new Error('expected a TriageProviderError');
}

describe('toTriageResult', () => {
  it("builds a result that says it is an LLM's judgement, with its provider, model, prompt version and examples", () => {
    const result = toTriageResult(answer, doubleCharge, source);
    expect(triageResultSchema.parse(result)).toEqual(result);
    expect(result).toEqual({
      priority: 'high',
      category: 'billing',
      confidence: 0.86,
      priorityConfidence: 0.86,
      categoryConfidence: 0.86,
      priorityBasis: 'llm',
      categoryBasis: 'llm',
      estimatedResolutionHours: 6,
      recommendedSteps: ['Refund the duplicate charge'],
      provider: 'bedrock',
      model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      promptVersion: 'triage-prompt.v1',
      neighbours: [
        { ticketId: 'bill-0', similarity: 0.71 },
        { ticketId: 'bill-1', similarity: 0.52 },
      ],
    });
  });

  it('rejects a category outside the taxonomy as retryable invalid output', () => {
    const failure = failureOf(() => toTriageResult({ ...answer, category: 'payments' }, doubleCharge, source));
    expect(failure).toMatchObject({ reason: 'invalid-output', retryable: true });
    expect(failure.message).toContain('category');
  });

  it.each([
    ['a priority outside the scale', { priority: 'urgent' }],
    ['a confidence above 1', { confidence: 1.3 }],
    ['negative hours', { estimatedResolutionHours: -2 }],
    ['more than 10 steps', { recommendedSteps: Array.from({ length: 11 }, (_, i) => `step ${i}`) }],
    ['an empty step', { recommendedSteps: ['  '] }],
    ['a missing field', { confidence: undefined }],
  ])('rejects %s', (_name, change) => {
    expect(failureOf(() => toTriageResult({ ...answer, ...change }, doubleCharge, source))).toMatchObject({ reason: 'invalid-output' });
  });

  it('accepts only a null category while the desk has no categories', () => {
    const noTaxonomy = { ...doubleCharge, taxonomy: { categories: [], priorities: [] } };
    expect(toTriageResult({ ...answer, category: null }, noTaxonomy, source)).toMatchObject({ category: null, categoryConfidence: 0 });
    expect(failureOf(() => toTriageResult(answer, noTaxonomy, source))).toMatchObject({ reason: 'invalid-output' });
  });
});
