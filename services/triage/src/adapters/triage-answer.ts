/**
 * Turns an LLM's tool input into a `TriageResult`. The tool schema asks for the right shape, but a model (or
 * an OpenAI-compatible server that ignores schemas) may still answer outside it: anything invalid is a
 * retryable `invalid-output` failure, never a result.
 */
import { z } from 'zod';
import { priorities, type TriageResult } from '../domain/types';
import { type TriageInput, TriageProviderError, triageResultSchema } from '../ports/triage-provider';
import { maxRecommendedSteps, triagePromptVersion } from './triage-prompt';

function answerSchema(categories: readonly string[]) {
  // Without a taxonomy there is no category to choose (categories are the desk's own, never invented).
  const category = categories.length > 0 ? z.enum(categories as [string, ...string[]]) : z.null();
  return z.object({
    priority: z.enum(priorities),
    category,
    confidence: z.number().min(0).max(1),
    estimatedResolutionHours: z.number().nonnegative().nullable(),
    recommendedSteps: z.array(z.string().trim().min(1)).max(maxRecommendedSteps),
  });
}

/** Validates `answer` against the input's taxonomy and builds the result, recording where it came from. */
export function toTriageResult(answer: unknown, input: TriageInput, source: { provider: string; model: string }): TriageResult {
  const parsed = answerSchema(input.taxonomy.categories).safeParse(answer);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'answer'}: ${issue.message}`).join('; ');
    throw new TriageProviderError('invalid-output', `${source.provider} answered outside the triage schema: ${problems}`);
  }
  const { priority, category, confidence, estimatedResolutionHours, recommendedSteps } = parsed.data;
  return triageResultSchema.parse({
    priority,
    category,
    // The model states one confidence for the whole answer; there is no separate one per decision to report.
    confidence,
    priorityConfidence: confidence,
    categoryConfidence: category === null ? 0 : confidence,
    priorityBasis: 'llm',
    categoryBasis: 'llm',
    estimatedResolutionHours,
    recommendedSteps,
    provider: source.provider,
    model: source.model,
    promptVersion: triagePromptVersion,
    // The examples the prompt showed: what the model was given to lean on.
    neighbours: input.examples.map((example) => ({ ticketId: example.ticketId, similarity: Math.max(0, Math.min(1, example.similarity)) })),
  });
}

/** Parses a JSON text answer (OpenAI-style function arguments); malformed JSON is invalid output too. */
export function parseJsonAnswer(text: string, provider: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TriageProviderError('invalid-output', `${provider} answered with malformed JSON tool arguments`, { cause: error });
  }
}
