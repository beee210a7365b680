import { z } from 'zod';
import { type Priority, type TicketText, type TriageResult, decisionBases, priorities } from '../domain/types';

/** A labelled ticket similar to the one being triaged, shown to providers that reason by example. */
export interface LabelledNeighbour {
  readonly ticketId: string;
  readonly title: string;
  readonly description: string;
  readonly priority?: Priority;
  readonly category?: string;
  readonly resolutionHours?: number;
  readonly similarity: number;
}

/**
 * Everything a provider may use: the ticket, the deployment's own taxonomy (categories are not a fixed list)
 * and a few similar labelled tickets. The local model has all of this inside; LLM providers get it here.
 */
export interface TriageInput {
  readonly ticket: TicketText;
  readonly taxonomy: { readonly categories: readonly string[]; readonly priorities: readonly Priority[] };
  readonly examples: readonly LabelledNeighbour[];
}

/** Per-call options; `signal` aborts a remote call (the resilient wrapper's per-attempt timeout). */
export interface TriageCallOptions {
  readonly signal?: AbortSignal;
}

/** One way to triage a ticket (`local`, `bedrock`, `openai`); every provider returns the same validated shape. */
export interface TriageProvider {
  readonly name: string;
  /** Whether it reads the taxonomy and labelled examples of its input (LLMs do; the local model holds them). */
  readonly needsExamples: boolean;
  triage(input: TriageInput, options?: TriageCallOptions): Promise<TriageResult>;
}

/**
 * Why a provider call failed, in terms a caller can act on: `throttled` and `unavailable` (5xx, network) and
 * `timeout` and `invalid-output` may pass on a later attempt; `rejected` (bad request, access denied, unknown
 * model) and `failed` (anything else) will not.
 */
export type TriageFailureReason = 'throttled' | 'unavailable' | 'timeout' | 'invalid-output' | 'rejected' | 'failed';

const retryableReasons: ReadonlySet<TriageFailureReason> = new Set(['throttled', 'unavailable', 'timeout', 'invalid-output']);

/** What remote providers throw, so the resilient wrapper can decide between retrying and falling back. */
export class TriageProviderError extends Error {
  override readonly name = 'TriageProviderError';
  readonly retryable: boolean;

  constructor(
    readonly reason: TriageFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = retryableReasons.has(reason);
  }
}

const probability = z.number().min(0).max(1);
const basis = z.enum(decisionBases);

/** The result every provider must return; remote providers parse their model's answer with it. */
export const triageResultSchema = z.strictObject({
  priority: z.enum(priorities),
  category: z.string().min(1).nullable(),
  confidence: probability,
  priorityConfidence: probability,
  categoryConfidence: probability,
  priorityBasis: basis,
  categoryBasis: basis,
  estimatedResolutionHours: z.number().nonnegative().nullable(),
  recommendedSteps: z.array(z.string().min(1)).max(10),
  provider: z.string().min(1),
  model: z.string().min(1),
  promptVersion: z.string().min(1),
  neighbours: z.array(z.strictObject({ ticketId: z.string().min(1), similarity: probability })),
}) satisfies z.ZodType<TriageResult>;
