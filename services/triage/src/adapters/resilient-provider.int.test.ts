import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { labelledTickets } from '../../test/labelled-tickets';
import { fixture, ReplayServer } from '../../test/replay-server';
import { doubleCharge } from '../../test/triage-inputs';
import { TriageModel } from '../domain/triage-model';
import type { TriageProvider } from '../ports/triage-provider';
import { bedrockTriageProvider } from './bedrock-provider';
import { localTriageProvider } from './local-provider';
import { openAiTriageProvider } from './openai-provider';
import { resilientTriageProvider } from './resilient-provider';

// Remote providers through their real SDK clients against recorded responses, falling back to the real local model.
const model = new TriageModel();
model.learnMany(labelledTickets);
const local = localTriageProvider(model);
const modelId = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const throttled = {
  status: 429,
  headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
  body: fixture('bedrock-throttling-exception.json'),
};

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function bedrock(options: { timeoutMs?: number; retries?: number } = {}) {
  const server = await ReplayServer.start({ http2: true });
  const client = new BedrockRuntimeClient({ endpoint: server.url, maxAttempts: 1 });
  stops.push(() => server.stop(), () => client.destroy());
  return { server, ...resilient(bedrockTriageProvider({ client, modelId }), options) };
}

async function openai(options: { timeoutMs?: number; retries?: number } = {}) {
  const server = await ReplayServer.start();
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test-key', timeout: timeoutMs, maxRetries: 0 });
  stops.push(() => server.stop());
  return { server, ...resilient(openAiTriageProvider({ client, model: 'gpt-4o-mini' }), { ...options, timeoutMs }) };
}

function resilient(primary: TriageProvider, { timeoutMs = 5000, retries = 2 }: { timeoutMs?: number; retries?: number }) {
  const logger = new RecordingLogger();
  const provider = resilientTriageProvider(primary, local, { timeoutMs, retries, logger, backoffMs: () => 10 });
  const warnings = () => logger.entries.filter((entry) => entry.level === 'warn');
  return { provider, warnings };
}

describe('resilient remote triage (real SDK clients, recorded responses, local fallback)', () => {
  it('bedrock: retries invalid output, then falls back to the local model and says so', async () => {
    const invalid = { body: fixture('bedrock-converse-invalid-category.json') };
    const { server, provider, warnings } = await bedrock({ retries: 2 });
    server.reply(invalid, invalid, invalid);

    const result = await provider.triage(doubleCharge);

    expect(server.requests).toHaveLength(3);
    expect(result).toMatchObject({ provider: 'local', category: 'billing' });
    expect(result.model).not.toBe(modelId);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.attributes).toMatchObject({ provider: 'bedrock', fallback: 'local', reason: 'invalid-output', attempts: 3 });
  });

  it('bedrock: a throttled (429) call is retried and the retry answers', async () => {
    const { server, provider, warnings } = await bedrock();
    server.reply(throttled, { body: fixture('bedrock-converse-tool-use.json') });

    const result = await provider.triage(doubleCharge);

    expect(server.requests).toHaveLength(2);
    expect(result).toMatchObject({ provider: 'bedrock', model: modelId, category: 'billing', priority: 'high' });
    expect(warnings()).toEqual([]);
  });

  it('bedrock: a call that outlives the timeout is abandoned and the local model answers', async () => {
    const slow = { body: fixture('bedrock-converse-tool-use.json'), delayMs: 5000 };
    const { server, provider, warnings } = await bedrock({ timeoutMs: 200, retries: 1 });
    server.reply(slow, slow);

    const started = Date.now();
    const result = await provider.triage(doubleCharge);

    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(2);
    expect(result).toMatchObject({ provider: 'local' });
    expect(warnings()[0]!.attributes).toMatchObject({ reason: 'timeout', attempts: 2 });
  });

  it('openai: a rate-limited (429) call is retried and the retry answers', async () => {
    const { server, provider } = await openai();
    server.reply({ status: 429, body: fixture('openai-rate-limit-error.json') }, { body: fixture('openai-chat-tool-call.json') });

    const result = await provider.triage(doubleCharge);

    expect(server.requests).toHaveLength(2);
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('openai: an answer without the tool call is retried, then the local model answers', async () => {
    const text = { body: fixture('openai-chat-text-answer.json') };
    const { server, provider, warnings } = await openai({ retries: 1 });
    server.reply(text, text);

    const result = await provider.triage(doubleCharge);

    expect(server.requests).toHaveLength(2);
    expect(result).toMatchObject({ provider: 'local' });
    expect(warnings()[0]!.attributes).toMatchObject({ provider: 'openai', reason: 'invalid-output' });
  });

  it('openai: a timeout falls back to the local model', async () => {
    const { server, provider, warnings } = await openai({ timeoutMs: 200, retries: 0 });
    server.reply({ body: fixture('openai-chat-tool-call.json'), delayMs: 5000 });

    const result = await provider.triage(doubleCharge);

    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ provider: 'local' });
    expect(warnings()[0]!.attributes).toMatchObject({ reason: 'timeout' });
  });

  it('openai: an unknown model (404) is not retried; the local model answers at once', async () => {
    const { server, provider, warnings } = await openai();
    server.reply({ status: 404, body: fixture('openai-invalid-request-error.json') });

    const result = await provider.triage(doubleCharge);

    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ provider: 'local' });
    expect(warnings()[0]!.attributes).toMatchObject({ reason: 'rejected', attempts: 1 });
  });
});
