import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedSchemaMessage, currentHashes, readLock, schemaHash, withNewSchemas } from './lock';
import { packageRoot } from './schema-files';

const lock = readLock();
const hashes = currentHashes();

describe('published schemas', () => {
  it.each(Object.keys(hashes))('%s is locked and unchanged', (path) => {
    expect(lock[path], `${path} is not in schemas.lock.json: run npm run lock:events`).toBeDefined();
    expect(hashes[path], changedSchemaMessage(path)).toBe(lock[path]);
  });

  it.each(Object.keys(lock))('%s still exists', (path) => {
    expect(
      existsSync(join(packageRoot, path)),
      `published schema ${path} is gone: published schemas are never removed`,
    ).toBe(true);
  });
});

describe('schemaHash', () => {
  it('ignores formatting and key order', () => {
    expect(schemaHash(JSON.parse('{ "b": [1, {"y": 1, "x": 2}], "a": "v" }'))).toBe(
      schemaHash({ a: 'v', b: [1, { x: 2, y: 1 }] }),
    );
  });

  it('sees any change of a value, including array order', () => {
    const hash = schemaHash({ enum: ['low', 'high'], maxLength: 200 });
    expect(schemaHash({ enum: ['low', 'high'], maxLength: 201 })).not.toBe(hash);
    expect(schemaHash({ enum: ['high', 'low'], maxLength: 200 })).not.toBe(hash);
  });
});

describe('withNewSchemas', () => {
  it('adds new files and never rewrites an existing entry', () => {
    const result = withNewSchemas(
      { 'ticket/created/v1.schema.json': 'old' },
      {
        'ticket/created/v1.schema.json': 'edited',
        'ticket/created/v2.schema.json': 'new',
      },
    );
    expect(result).toEqual({
      lock: { 'ticket/created/v1.schema.json': 'old', 'ticket/created/v2.schema.json': 'new' },
      added: ['ticket/created/v2.schema.json'],
    });
  });
});

describe('changedSchemaMessage', () => {
  it('asks for the next version of an event, or a new file for a shared part', () => {
    expect(changedSchemaMessage('ticket/created/v1.schema.json')).toBe(
      'published schema ticket/created/v1.schema.json changed: make a new version v2 with an upcaster instead',
    );
    expect(changedSchemaMessage('common/actor.schema.json')).toBe(
      'published schema common/actor.schema.json changed: add the new shape as a new file, used by new event versions with upcasters, instead',
    );
  });
});
