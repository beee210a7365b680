/** What the local cloud and a function host process tell each other (see host.ts). */
import type { FunctionSpec } from '../wiring/wiring';

export interface HostConfig {
  functions: FunctionSpec[];
  /** [queue ARN, queue URL] for the queues the functions' triggers name. */
  queueUrls: [string, string][];
  sqsEndpoint: string;
  region: string;
  info: { title: string; version: string };
}

export type FromHost =
  | { kind: 'started'; url: string }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

/** Lambda's Invoke, privately: POST a payload, get `{ result }` or `{ error: { name, message } }`. */
export const INVOKE_PATH = '/__host/invoke';
