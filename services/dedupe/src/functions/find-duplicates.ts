import type { FindDuplicatesInput, FindDuplicatesOutput } from '../application/dedupe-service';
import { dedupe } from './dependencies';

/** The workflow's FindDuplicates task (contract find-duplicates.v1). */
export function handler(input: FindDuplicatesInput): Promise<FindDuplicatesOutput> {
  return dedupe.findDuplicates(input);
}
