import type { TriageTaskInput, TriageTaskOutput } from '../application/triage-service';
import { triage } from './dependencies';

/** The workflow's Triage task (contract triage.v1). */
export function handler(input: TriageTaskInput): Promise<TriageTaskOutput> {
  return triage.triage(input);
}
