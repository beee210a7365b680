import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { aTicket } from '@cogdesk/shared/testing/ticket-events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labelledTickets } from '../../test/labelled-tickets';
import { fixture, ReplayServer } from '../../test/replay-server';
import { doubleCharge } from '../../test/triage-inputs';
import { TriageService } from '../application/triage-service';
import { TriageModel } from '../domain/triage-model';
import { TriageProviderError } from '../ports/triage-provider';
import { bedrockTriageProvider } from './bedrock-provider';

const modelId = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/** The parts of a Converse request body (as sent on the wire) these tests read. */
interface ConverseBody {
  system: { text: string }[];
  messages: { role: string; content: { text: string }[] }[];
  inferenceConfig: unknown;
  toolConfig: {
    tools: { toolSpec: { name: string; inputSchema: { json: { properties: Record<string, { enum?: string[] }> } } } }[];
    toolChoice: unknown;
  };
}

describe('bedrockTriageProvider (real SDK client, recorded Converse responses)', () => {
  let server: ReplayServer;
  let client: BedrockRuntimeClient;

  beforeEach(async () => {
    server = await ReplayServer.start({ http2: true });
    client = new BedrockRuntimeClient({ endpoint: server.url, maxAttempts: 1 });
  });

  afterEach(async () => {
    client.destroy();
    await server.stop();
  });

  it('sends one Converse call with the forced triage tool, the taxonomy as the category enum and the examples in the message', async () => {
    server.reply({ body: fixture('bedrock-converse-tool-use.json') });

    await bedrockTriageProvider({ client, modelId }).triage(doubleCharge);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/model/${modelId}/converse` });
    const body = request!.body as ConverseBody;
    expect(body.toolConfig.toolChoice).toEqual({ tool: { name: 'record_triage' } });
    expect(body.toolConfig.tools).toHaveLength(1);
    expect(body.toolConfig.tools[0]!.toolSpec).toMatchObject({
      name: 'record_triage',
      inputSchema: {
        json: {
          type: 'object',
          properties: {
            priority: { enum: ['low', 'medium', 'high', 'critical'] },
            category: { enum: ['access', 'billing', 'hardware'] },
            confidence: { minimum: 0, maximum: 1 },
            estimatedResolutionHours: { type: ['number', 'null'] },
            recommendedSteps: { maxItems: 10 },
          },
        },
      },
    });
    expect(body.system[0]!.text).toContain('"access", "billing", "hardware"');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]!.role).toBe('user');
    const message = body.messages[0]!.content[0]!.text;
    expect(message).toContain('Charged twice for one invoice');
    expect(message).toContain('Invoice charged twice this month');
    expect(message).toContain('Refund for duplicate payment on my card');
    expect(body.inferenceConfig).toEqual({ maxTokens: 1024, temperature: 0 });
  });

  it('turns the recorded tool use into a validated result naming bedrock, the model id and the prompt version', async () => {
    server.reply({ body: fixture('bedrock-converse-tool-use.json') });

    const result = await bedrockTriageProvider({ client, modelId }).triage(doubleCharge);

    expect(result).toEqual({
      priority: 'high',
      category: 'billing',
      confidence: 0.86,
      priorityConfidence: 0.86,
      categoryConfidence: 0.86,
      priorityBasis: 'llm',
      categoryBasis: 'llm',
      estimatedResolutionHours: 6,
      recommendedSteps: [
        "Confirm both charges for the invoice in the payment provider's dashboard",
        "Refund the duplicate charge to the customer's card",
        'Tell the customer when the refund will show on their statement',
      ],
      provider: 'bedrock',
      model: modelId,
      promptVersion: 'triage-prompt.v1',
      neighbours: [
        { ticketId: 'bill-0', similarity: 0.71 },
        { ticketId: 'bill-1', similarity: 0.52 },
      ],
    });
  });

  it('rejects a recorded answer whose category is not in the taxonomy, as retryable invalid output', async () => {
    server.reply({ body: fixture('bedrock-converse-invalid-category.json') });

    const failure = await bedrockTriageProvider({ client, modelId }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TriageProviderError);
    expect(failure).toMatchObject({ reason: 'invalid-output', retryable: true });
  });

  it('reports a recorded ThrottlingException (429) as a retryable throttled failure', async () => {
    server.reply({
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      body: fixture('bedrock-throttling-exception.json'),
    });

    const failure = await bedrockTriageProvider({ client, modelId }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toMatchObject({ reason: 'throttled', retryable: true });
    expect((failure as Error).message).toContain('ThrottlingException');
  });

  it('reports an access denial (403) as a failure not worth retrying', async () => {
    server.reply({
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      body: { message: "You don't have access to the model with the specified model ID." },
    });

    const failure = await bedrockTriageProvider({ client, modelId }).triage(doubleCharge).catch((error: unknown) => error);

    expect(failure).toMatchObject({ reason: 'rejected', retryable: false });
  });

  it("is given the deployment's taxonomy and labelled neighbours by the triage service", async () => {
    server.reply({ body: fixture('bedrock-converse-tool-use.json') });
    const model = new TriageModel();
    model.learnMany(labelledTickets);
    const service = new TriageService(model, bedrockTriageProvider({ client, modelId }), { labels: {}, versions: {} }, { changed: () => undefined });

    const output = await service.triage({ ticket: aTicket({ title: 'Charged twice for one invoice', description: 'My card was charged twice for one invoice.' }) });

    const body = server.requests[0]!.body as ConverseBody;
    expect(body.toolConfig.tools[0]!.toolSpec.inputSchema.json.properties.category!.enum).toEqual(['access', 'billing', 'hardware']);
    expect(body.messages[0]!.content[0]!.text).toContain('"category":"billing"');
    expect(output.result).toMatchObject({ provider: 'bedrock', model: modelId, promptVersion: 'triage-prompt.v1', category: 'billing' });
    expect(output.result.neighbours.length).toBeGreaterThan(0);
    expect(output.result.neighbours.every((neighbour) => neighbour.ticketId.startsWith('bill-'))).toBe(true);
  });
});
