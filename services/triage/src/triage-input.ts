import type { TriageModel } from './domain/triage-model';
import type { TicketText } from './domain/types';
import type { TriageInput } from './ports/triage-provider';

/** How many similar labelled tickets a provider sees: enough to show the taxonomy in use, few enough for a prompt. */
export const examplesPerInput = 5;

/** The input for any provider, drawn from the deployment's labelled history. */
export function triageInput(model: TriageModel, ticket: TicketText): TriageInput {
  return { ticket, taxonomy: model.taxonomy(), examples: model.similarExamples(ticket, examplesPerInput) };
}
