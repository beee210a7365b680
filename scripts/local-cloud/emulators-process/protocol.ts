/** What the backend and its emulators' process tell each other (see process.ts). */
import type { LogMessage } from '../child-service';
import type { EmulatorEndpoints } from '../emulators';
import type { LocalWiring, RuleTargetSpec } from '../wiring/wiring';

export interface EmulatorsConfig {
  dataDir: string;
  serviceDirs: string[];
  stage: string;
}

export type FromEmulators =
  | { kind: 'started'; wiring: LocalWiring; endpoints: EmulatorEndpoints; queueUrls: [arn: string, url: string][] }
  /** Events for a Step Functions or Lambda target: the backend runs them and answers `delivered`. */
  | { kind: 'deliver'; id: number; target: RuleTargetSpec; events: string[] }
  | LogMessage
  | { kind: 'failed'; message: string }
  /** Answers `drain`: every delivery the bus had started has succeeded or been given up. */
  | { kind: 'drained'; id: number }
  | { kind: 'stopped' };

export type ToEmulators = 'stop' | { kind: 'delivered'; id: number; error?: string } | { kind: 'drain'; id: number };
