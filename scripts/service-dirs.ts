import path from 'node:path';

/** The services in deploy order after the platform stack; each directory holds a serverless.yml. */
export const SERVICES = ['tickets', 'dedupe', 'triage', 'workflow', 'analytics', 'escalation', 'web'] as const;

/** The platform (repository root) first, then every service. */
export function defaultServiceDirs(root: string): string[] {
  return [root, ...SERVICES.map((name) => path.join(root, 'services', name))];
}
