import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, ReplayServer } from '../../test/replay-server';
import { doubleCharge } from '../../test/triage-inputs';
import { TriageProviderError } from '../ports/triage-provider';
import { openAiTriageProvider } from './openai-provider';

const model = 'gpt-4o-mini';

/** The parts of a chat completion request body these tests read. */
interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  tools: { type: string; function: { name: string; parameters: unknown } }[];
  tool_choice: unknown;
}

describe('openAiTriageProvider (real openai client, recorded chat completions)', () => {
  let server: ReplayServer;
  let client: OpenAI;

  beforeEach(async () => {
    server = await ReplayServer.start();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test-key', timeout: 5000, maxRetries: 0 });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('sends one chat completion that forces the triage function, with the taxonomy as the category enum and the examples in the message', async () => {
    server.reply({ body: fixture('openai-chat-tool-call.json') });

    await openAiTriageProvider({ client, model }).triage(doubleCharge);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-test-key' } });
    const body = request!.body as ChatBody;
    expect(body.model).toBe(model);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'record_triage' } });
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0]).toMatchObject({
      type: 'function',
      function: {
        name: 'record_triage',
        parameters: {
          type: 'object',
          properties: {
            priority: { enum: ['low', 'medium', 'high', 'critical'] },
            category: { enum: ['access', 'billing', 'hardware'] },
            confidence: { minimum: 0, maximum: 1 },
            recommendedSteps: { maxItems: 10 },
          },
        },
      },
    });
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(body.messages[0]!.content).toContain('"access", "billing", "hardware"');
    expect(body.messages[1]!.content).toContain('Charged twice for one invoice');
    expect(body.messages[1]!.content).toContain('Invoice charged twice this month');
    expect(body.messages[1]!.content).toContain('Refund for duplicate payment on my card');
  });

  it('turns the recorded tool call into a validated result naming openai and the configured model', async () => {
    server.reply({ body: fixture('openai-chat-tool-call.json') });

    const result = await openAiTriageProvider({ client, model }).triage(doubleCharge);

    expect(result).toEqual({
      priority: 'high',
      category: 'billing',
      confidence: 0.78,
      priorityConfidence: 0.78,
      categoryConfidence: 0.78,
      priorityBasis: 'llm',
      categoryBasis: 'llm',
      estimatedResolutionHours: null,
      recommendedSteps: ['Check the payment log for two captures of the same invoice', 'Refund the duplicate capture'],
      provider: 'openai',
      model,
      promptVersion: 'triage-prompt.v1',
      neighbours: [
        { ticketId: 'bill-0', similarity: 0.71 },
        { ticketId: 'bill-1', similarity: 0.52 },
      ],
    });
  });

  it('rejects a recorded answer in text instead of a tool call, as retryable invalid output', async () => {
    server.reply({ body: fixture('openai-chat-text-answer.json') });

    const failure = await openAiTriageProvider({ client, model }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TriageProviderError);
    expect(failure).toMatchObject({ reason: 'invalid-output', retryable: true });
  });

  it('rejects recorded tool arguments that are not JSON (cut off at the token limit), as retryable invalid output', async () => {
    server.reply({ body: fixture('openai-chat-malformed-arguments.json') });

    const failure = await openAiTriageProvider({ client, model }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toMatchObject({ reason: 'invalid-output', retryable: true });
  });

  it('reports a recorded rate limit (429) as a retryable throttled failure', async () => {
    server.reply({ status: 429, body: fixture('openai-rate-limit-error.json') });

    const failure = await openAiTriageProvider({ client, model }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toMatchObject({ reason: 'throttled', retryable: true });
  });

  it('reports an unknown model (404) as a failure not worth retrying', async () => {
    server.reply({ status: 404, body: fixture('openai-invalid-request-error.json') });

    const failure = await openAiTriageProvider({ client, model: 'gpt-4o-mni' }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toMatchObject({ reason: 'rejected', retryable: false });
  });
});
