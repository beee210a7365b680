/**
 * Which functions run in the API process and which in the backend process (see local-cloud.ts). The API
 * process keeps the functions that answer HTTP requests from shared stores (tickets, workflow). The
 * backend takes every function no HTTP route reaches (consumers, Step Functions tasks, schedules), and
 * the whole of the cognitive services, whose routes answer from state their consumers build in memory
 * (the duplicate index, the triage model).
 */
import type { FunctionSpec } from './wiring/wiring';

export const COGNITIVE_SERVICES: readonly string[] = ['cogdesk-dedupe', 'cogdesk-triage'];

/** `backendServices`: services whose every function runs in the backend (default: the cognitive ones). */
export const runsInApiProcess = (fn: FunctionSpec, backendServices: readonly string[] = COGNITIVE_SERVICES): boolean =>
  !backendServices.includes(fn.service) && fn.triggers.some((trigger) => trigger.kind === 'http');
