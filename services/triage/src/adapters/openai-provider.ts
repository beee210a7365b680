/**
 * Any OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, LiteLLM, ...).
 *
 * Structured output comes from a forced function tool (`tool_choice: { type: 'function', function: { name } }`)
 * rather than `response_format: json_schema`: function tools are what compatible servers support most widely
 * (json_schema is newer and often ignored or rejected), and it is the same tool the Bedrock provider forces,
 * so both share one prompt and one schema. Servers do not all enforce the schema, so the arguments are
 * validated like any other answer (see triage-answer).
 */
import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { TriageResult } from '../domain/types';
import { type TriageCallOptions, type TriageInput, type TriageProvider, TriageProviderError } from '../ports/triage-provider';
import { isTimeoutOrAbort, isTransientNetworkError, reasonForStatus } from './remote-failure';
import { parseJsonAnswer, toTriageResult } from './triage-answer';
import { triageSystemPrompt, triageToolDescription, triageToolInputSchema, triageToolName, triageUserMessage } from './triage-prompt';

export interface OpenAiTriageOptions {
  /** Construct it with `maxRetries: 0`: the resilient wrapper owns retries, so attempts do not multiply. */
  readonly client: OpenAI;
  readonly model: string;
}

/**
 * The chat completion request for `input`. No `temperature` or token limit: reasoning models reject them,
 * and the forced tool call keeps the answer short anyway.
 */
export function chatCompletionRequest(model: string, input: TriageInput): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return {
    model,
    messages: [
      { role: 'system', content: triageSystemPrompt(input) },
      { role: 'user', content: triageUserMessage(input) },
    ],
    tools: [{ type: 'function', function: { name: triageToolName, description: triageToolDescription, parameters: triageToolInputSchema(input) } }],
    tool_choice: { type: 'function', function: { name: triageToolName } },
  };
}

export function openAiTriageProvider({ client, model }: OpenAiTriageOptions): TriageProvider {
  return {
    name: 'openai',
    needsExamples: true,
    async triage(input: TriageInput, options?: TriageCallOptions): Promise<TriageResult> {
      let completion;
      try {
        completion = await client.chat.completions.create(chatCompletionRequest(model, input), { signal: options?.signal ?? null });
      } catch (error) {
        throw failureOf(error);
      }
      const [choice] = completion.choices;
      const call = choice?.message.tool_calls?.find((toolCall) => toolCall.type === 'function' && toolCall.function.name === triageToolName);
      if (!call || call.type !== 'function') {
        throw new TriageProviderError('invalid-output', `openai answered without calling ${triageToolName} (finish_reason ${choice?.finish_reason ?? 'none'})`);
      }
      return toTriageResult(parseJsonAnswer(call.function.arguments, 'openai'), input, { provider: 'openai', model });
    },
  };
}

function failureOf(error: unknown): TriageProviderError {
  if (error instanceof TriageProviderError) return error;
  const cause = { cause: error };
  // Order matters: the abort and connection errors are APIErrors without a status.
  if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError || isTimeoutOrAbort(error)) {
    return new TriageProviderError('timeout', 'openai chat completion was aborted or timed out', cause);
  }
  if (error instanceof APIConnectionError) {
    return new TriageProviderError(isTransientNetworkError(error) ? 'unavailable' : 'failed', `openai could not connect: ${error.message}`, cause);
  }
  const status: unknown = error instanceof APIError ? error.status : undefined;
  if (typeof status === 'number') {
    return new TriageProviderError(reasonForStatus(status), `openai chat completion failed (${status}): ${(error as Error).message}`, cause);
  }
  return new TriageProviderError('failed', `openai chat completion failed: ${String(error)}`, cause);
}
