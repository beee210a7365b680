/**
 * The compatibility lock: schemas.lock.json maps every published schema file to the hash of its normalised JSON.
 * `npm run lock:events` adds new schema files and never rewrites an entry: a published schema does not change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listSchemaFiles, packageRoot, parseEventSchemaPath, readJsonFile } from './schema-files';

/** Schema file path (relative to events-schema/) → sha256 (hex) of its normalised JSON. */
export type SchemaLock = Record<string, string>;

const lockFile = join(packageRoot, 'schemas.lock.json');

/** sha256 of the JSON with keys sorted and no whitespace, so formatting and key order do not count as changes. */
export function schemaHash(json: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(json)))
    .digest('hex');
}

export function readLock(): SchemaLock {
  return existsSync(lockFile) ? (JSON.parse(readFileSync(lockFile, 'utf8')) as SchemaLock) : {};
}

/** The lock plus entries for the files it does not have yet; existing entries are kept as they are. */
export function withNewSchemas(lock: SchemaLock, hashes: SchemaLock): { lock: SchemaLock; added: string[] } {
  const additions = Object.entries(hashes).filter(([path]) => !(path in lock));
  const entries = [...Object.entries(lock), ...additions].sort(([a], [b]) => (a < b ? -1 : 1));
  return { lock: Object.fromEntries(entries), added: additions.map(([path]) => path) };
}

/** What to tell whoever edited a published schema. */
export function changedSchemaMessage(path: string): string {
  const event = parseEventSchemaPath(path);
  if (event)
    return `published schema ${path} changed: make a new version v${event.version + 1} with an upcaster instead`;
  return `published schema ${path} changed: add the new shape as a new file, used by new event versions with upcasters, instead`;
}

export function currentHashes(): SchemaLock {
  return Object.fromEntries(listSchemaFiles().map((path) => [path, schemaHash(readJsonFile(path))]));
}

function sortKeys(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(sortKeys);
  if (typeof json !== 'object' || json === null) return json;
  return Object.fromEntries(
    Object.entries(json)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => [key, sortKeys(value)]),
  );
}

function main(): void {
  const previous = readLock();
  const hashes = currentHashes();
  const problems = [
    ...Object.keys(previous)
      .filter((path) => !(path in hashes))
      .map((path) => `published schema ${path} is gone: published schemas are never removed`),
    ...Object.keys(previous)
      .filter((path) => path in hashes && hashes[path] !== previous[path])
      .map(changedSchemaMessage),
  ];
  const { lock, added } = withNewSchemas(previous, hashes);
  if (added.length > 0) writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  for (const path of added) console.log(`locked ${path}`);
  if (added.length === 0) console.log('no new schemas to lock');
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
