/** The project's priority levels, least to most urgent. */
export const priorities = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof priorities)[number];

/** What triage reads of a ticket. `embedding` is an optional sentence embedding of title + description. */
export interface TicketText {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly embedding?: readonly number[];
}

/**
 * A ticket a person (or an import) has labelled. Either label may be missing: a person may set only one.
 * `resolutionHours` is known once the ticket was resolved.
 */
export interface LabelledExample extends TicketText {
  readonly priority?: Priority;
  readonly category?: string;
  readonly resolutionHours?: number;
}

/** A labelled ticket the model leaned on, and how similar it is to the ticket being triaged (cosine, 0..1). */
export interface Neighbour {
  readonly ticketId: string;
  readonly similarity: number;
}

/**
 * Where a decision came from: `learned` from labelled history, `rules` (keyword rules and priors) while
 * the model has seen too few labels to learn that decision, or `llm`: a language model's judgement from a
 * prompt (the taxonomy and a few labelled examples), which was not trained on the history.
 */
export const decisionBases = ['learned', 'rules', 'llm'] as const;
export type DecisionBasis = (typeof decisionBases)[number];

export interface TriageResult {
  readonly priority: Priority;
  /** `null` only while no category label has been seen at all. */
  readonly category: string | null;
  /** The probability that the suggestion is right: that of its weakest learned decision (see TriageModel). */
  readonly confidence: number;
  readonly priorityConfidence: number;
  readonly categoryConfidence: number;
  readonly priorityBasis: DecisionBasis;
  readonly categoryBasis: DecisionBasis;
  readonly estimatedResolutionHours: number | null;
  readonly recommendedSteps: readonly string[];
  readonly provider: string;
  readonly model: string;
  /** Version of the prompt (LLM providers) or of the features and training (local): what produced the result. */
  readonly promptVersion: string;
  readonly neighbours: readonly Neighbour[];
}
