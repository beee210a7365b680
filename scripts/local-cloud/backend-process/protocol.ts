/** What the API process and the backend process tell each other (see process.ts). */
import type { LogMessage } from '../child-service';
import type { Endpoints } from '../backend';
import type { LocalWiring } from '../wiring/wiring';

/** The backend's options that cross the process boundary. */
export interface BackendConfig {
  /** Services whose every function runs in the backend (placement.ts; default: the cognitive ones). */
  backendServices?: readonly string[];
  dataDir: string;
  serviceDirs: string[];
  stage?: string;
  mongodbUri?: string;
  environment?: Record<string, string>;
  info: { title: string; version: string };
  /**
   * 'background': once started, the backend takes only the CPU time others leave (background-priority.ts;
   * its emulators and MongoDB keep their priority), so a backlog of the chain yields the CPU to the API,
   * MongoDB and the bus whenever they need it.
   */
  priority?: 'normal' | 'background';
}

export type FromBackend =
  | {
      kind: 'started';
      /** Where it serves its functions' HTTP routes and invocations. */
      url: string;
      wiring: LocalWiring;
      endpoints: Endpoints;
      environment: Record<string, string>;
      /** Queue URL by queue ARN, for the triggers of the functions the API process runs. */
      queueUrls: [string, string][];
    }
  | LogMessage
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

/** Lambda's Invoke, privately: POST a payload, get `{ result }` or `{ error: { name, message } }`. */
export const INVOKE_PATH = '/__backend/invoke';
