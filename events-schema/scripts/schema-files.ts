import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the events-schema package; file paths below are relative to it, with `/`. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** `<domain>/<event>/v<N>.schema.json`: one published event version. Everything else is a shared part. */
const EVENT_SCHEMA_PATH =
  /^(?<domain>[a-z][a-z0-9-]*)\/(?<event>[a-z][a-z0-9-]*)\/v(?<version>[1-9]\d*)\.schema\.json$/;

export interface EventSchemaPath {
  path: string;
  /** `ticket.created` */
  type: string;
  version: number;
}

/** Every `*.schema.json` of the package, sorted. */
export function listSchemaFiles(): string[] {
  return listFiles((path) => path.endsWith('.schema.json'));
}

/** Every example envelope (`<domain>/<event>/examples/*.json`), sorted. */
export function listExampleFiles(): string[] {
  return listFiles((path) => /^[^/]+\/[^/]+\/examples\/[^/]+\.json$/.test(path));
}

export function parseEventSchemaPath(path: string): EventSchemaPath | null {
  const groups = EVENT_SCHEMA_PATH.exec(path)?.groups;
  if (!groups || groups.domain === 'common') return null;
  return { path, type: `${groups.domain}.${groups.event}`, version: Number(groups.version) };
}

export function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(join(packageRoot, path), 'utf8'));
}

function listFiles(keep: (path: string) => boolean): string[] {
  return readdirSync(packageRoot, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split(sep).join('/'))
    .filter((path) => !path.split('/').includes('node_modules') && keep(path))
    .sort();
}
