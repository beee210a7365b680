/**
 * Which functions run in the API process and which in the backend process (see local-cloud.ts). The API
 * process keeps the functions that answer HTTP requests from shared stores (tickets, workflow), and the
 * whole tickets service with its consumer and outbox sweep: each process publishes the outbox entries it
 * committed, and in the backend the consumer's commits (the chain's outcomes) waited behind the chain for
 * their publish, seconds under a burst of new tickets. The backend takes every other function no HTTP
 * route reaches (consumers, Step Functions tasks, schedules), and the whole of the cognitive services,
 * whose routes answer from state their consumers build in memory (the duplicate index, the triage model).
 */
import type { FunctionSpec } from './wiring/wiring';

export const COGNITIVE_SERVICES: readonly string[] = ['cogdesk-dedupe', 'cogdesk-triage'];
/** Services whose every function runs in the API process. */
const API_SERVICES: readonly string[] = ['cogdesk-tickets'];

/** `backendServices`: services whose every function runs in the backend (default: the cognitive ones). */
export const runsInApiProcess = (fn: FunctionSpec, backendServices: readonly string[] = COGNITIVE_SERVICES): boolean =>
  !backendServices.includes(fn.service) && (API_SERVICES.includes(fn.service) || fn.triggers.some((trigger) => trigger.kind === 'http'));
