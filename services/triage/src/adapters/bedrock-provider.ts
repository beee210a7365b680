/**
 * Claude (or any tool-capable model) on Amazon Bedrock through the Converse API. Structured output comes from
 * a forced tool call: the model must call `record_triage`, whose input schema is the answer; the input is then
 * validated against the deployment's taxonomy (see triage-answer).
 */
import {
  BedrockRuntimeServiceException,
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import type { TriageResult } from '../domain/types';
import { type TriageCallOptions, type TriageInput, type TriageProvider, TriageProviderError } from '../ports/triage-provider';
import { isTimeoutOrAbort, isTransientNetworkError, reasonForStatus } from './remote-failure';
import { toTriageResult } from './triage-answer';
import { triageSystemPrompt, triageToolDescription, triageToolInputSchema, triageToolName, triageUserMessage } from './triage-prompt';

export interface BedrockTriageOptions {
  /** Construct it with `maxAttempts: 1`: the resilient wrapper owns retries, so attempts do not multiply. */
  readonly client: BedrockRuntimeClient;
  /** A model id or inference profile id, e.g. `us.anthropic.claude-haiku-4-5-20251001-v1:0`. */
  readonly modelId: string;
  /** Room for the tool call; a triage answer is a few hundred tokens. */
  readonly maxTokens?: number;
}

/** The Converse request for `input`: system prompt, one user message, and the forced triage tool. */
export function converseRequest(modelId: string, input: TriageInput, maxTokens = 1024): ConverseCommandInput {
  return {
    modelId,
    system: [{ text: triageSystemPrompt(input) }],
    messages: [{ role: 'user', content: [{ text: triageUserMessage(input) }] }],
    // Temperature 0: the same ticket should get the same suggestion.
    inferenceConfig: { maxTokens, temperature: 0 },
    toolConfig: {
      tools: [{ toolSpec: { name: triageToolName, description: triageToolDescription, inputSchema: { json: triageToolInputSchema(input) } } }],
      toolChoice: { tool: { name: triageToolName } },
    },
  };
}

export function bedrockTriageProvider({ client, modelId, maxTokens }: BedrockTriageOptions): TriageProvider {
  return {
    name: 'bedrock',
    needsExamples: true,
    async triage(input: TriageInput, options?: TriageCallOptions): Promise<TriageResult> {
      let response;
      try {
        response = await client.send(new ConverseCommand(converseRequest(modelId, input, maxTokens)), { abortSignal: options?.signal });
      } catch (error) {
        throw failureOf(error);
      }
      const toolUse = response.output?.message?.content?.find((block) => block.toolUse?.name === triageToolName)?.toolUse;
      if (!toolUse) {
        throw new TriageProviderError('invalid-output', `bedrock answered without calling ${triageToolName} (stopReason ${response.stopReason ?? 'none'})`);
      }
      return toTriageResult(toolUse.input, input, { provider: 'bedrock', model: modelId });
    },
  };
}

function failureOf(error: unknown): TriageProviderError {
  if (error instanceof TriageProviderError) return error;
  const cause = { cause: error };
  if (error instanceof BedrockRuntimeServiceException) {
    const status = error.$metadata.httpStatusCode;
    return new TriageProviderError(status === undefined ? 'failed' : reasonForStatus(status), `bedrock Converse failed: ${error.name} (${status ?? 'no status'}): ${error.message}`, cause);
  }
  if (isTimeoutOrAbort(error)) return new TriageProviderError('timeout', 'bedrock Converse was aborted or timed out', cause);
  if (isTransientNetworkError(error)) return new TriageProviderError('unavailable', `bedrock Converse could not connect: ${String(error)}`, cause);
  return new TriageProviderError('failed', `bedrock Converse failed: ${String(error)}`, cause);
}
