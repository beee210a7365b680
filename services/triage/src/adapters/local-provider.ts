import type { TriageModel } from '../domain/triage-model';
import type { TriageInput, TriageProvider } from '../ports/triage-provider';

/**
 * The offline provider: the deployment's own `TriageModel`. It ignores the input's taxonomy and examples,
 * because the model holds the whole labelled history they were drawn from.
 */
export function localTriageProvider(model: TriageModel): TriageProvider {
  return {
    name: 'local',
    needsExamples: false,
    triage: (input: TriageInput) => Promise.resolve(model.triage(input.ticket)),
  };
}
