import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listSchemaFiles, packageRoot, parseEventSchemaPath, readJsonFile } from './scripts/schema-files';

interface AsyncApi {
  asyncapi: string;
  channels: Record<string, { messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: 'send' | 'receive'; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    messages: Record<
      string,
      { name: string; payload: { $ref: string }; 'x-eventbridge': { 'detail-type': string; source: string } }
    >;
  };
}
interface EventSchema {
  properties: { type: { const: string }; version: { const: number }; source: { const: string } };
}

const text = readFileSync(join(packageRoot, 'asyncapi.yaml'), 'utf8');
const doc = parse(text) as AsyncApi;
const messages = Object.entries(doc.components.messages);
const eventSchemaFiles = listSchemaFiles().filter((path) => parseEventSchemaPath(path) !== null);

describe('asyncapi.yaml', () => {
  it('is an AsyncAPI 3.0 document', () => {
    expect(doc.asyncapi).toBe('3.0.0');
  });

  it('has a message for every event schema file, and no other payloads', () => {
    const payloads = messages.map(([, message]) => message.payload.$ref.replace(/^\.\//, '')).sort();
    expect(payloads).toEqual(eventSchemaFiles);
  });

  it.each(messages)('names %s by the detail-type and source of its schema', (key, message) => {
    const schema = readJsonFile(message.payload.$ref) as EventSchema;
    const { type, version, source } = schema.properties;
    const detailType = `${type.const}.v${version.const}`;
    expect({ key, name: message.name, eventBridge: message['x-eventbridge'] }).toEqual({
      key: detailType,
      name: detailType,
      eventBridge: { 'detail-type': detailType, source: source.const },
    });
  });

  it.each(messages)('has %s sent by its producer alone, on its own channel', (key, message) => {
    const senders = Object.entries(doc.operations).filter(
      ([, operation]) => operation.action === 'send' && operation.channel.$ref === `#/channels/${key}`,
    );
    expect(senders.map(([id]) => id)).toEqual([
      `${message['x-eventbridge'].source.replace(/^cogdesk\./, '')}.send.${key}`,
    ]);
  });

  it('has every event received by at least one consumer', () => {
    const received = new Set(
      Object.values(doc.operations)
        .filter((operation) => operation.action === 'receive')
        .map((operation) => operation.channel.$ref),
    );
    expect(messages.map(([key]) => `#/channels/${key}`).filter((channel) => !received.has(channel))).toEqual([]);
  });

  it('resolves every local $ref', () => {
    const refs = [...text.matchAll(/\$ref: '#\/([^']+)'/g)].map((match) => match[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter((pointer) => {
      let node: unknown = doc;
      for (const key of pointer.split('/')) node = (node as Record<string, unknown> | undefined)?.[key];
      return node === undefined;
    });
    expect(unresolved).toEqual([]);
  });
});
