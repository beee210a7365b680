/**
 * Which triage provider answers, from configuration only: `local` (the default), or `bedrock` / `openai`
 * behind the resilient wrapper with `local` as the fallback.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { envInteger, envUrl, loadConfig, type EnvironmentVariables } from '@cogdesk/shared/config';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import OpenAI from 'openai';
import { z } from 'zod';
import { bedrockTriageProvider } from '../adapters/bedrock-provider';
import { openAiTriageProvider } from '../adapters/openai-provider';
import { type FallbackMetrics, resilientTriageProvider } from '../adapters/resilient-provider';
import type { TriageProvider } from '../ports/triage-provider';

/** Claude Haiku 4.5 through the US cross-region inference profile (the model is only offered through profiles). */
export const defaultBedrockModelId = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

export const triageProviderConfigSchema = z
  .object({
    TRIAGE_PROVIDER: z.enum(['local', 'bedrock', 'openai']).default('local'),
    TRIAGE_BEDROCK_MODEL_ID: z.string().trim().min(1).default(defaultBedrockModelId),
    TRIAGE_OPENAI_BASE_URL: envUrl().optional(),
    TRIAGE_OPENAI_MODEL: z.string().trim().min(1).optional(),
    TRIAGE_OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    TRIAGE_TIMEOUT_MS: envInteger({ min: 100, max: 120_000 }).default(8000),
    TRIAGE_RETRIES: envInteger({ min: 0, max: 5 }).default(2),
  })
  .superRefine((config, context) => {
    if (config.TRIAGE_PROVIDER !== 'openai') return;
    const required = (path: string) => context.addIssue({ code: 'custom', path: [path], message: 'required when TRIAGE_PROVIDER=openai' });
    if (!config.TRIAGE_OPENAI_BASE_URL) required('TRIAGE_OPENAI_BASE_URL');
    if (!config.TRIAGE_OPENAI_MODEL) required('TRIAGE_OPENAI_MODEL');
    if (!config.TRIAGE_OPENAI_API_KEY && !config.OPENAI_API_KEY) required('TRIAGE_OPENAI_API_KEY (or OPENAI_API_KEY)');
  });

export type TriageProviderConfig = z.output<typeof triageProviderConfigSchema>;

/** Reads the provider settings; throws `ConfigError` naming every missing or invalid variable. */
export function loadTriageProviderConfig(env: EnvironmentVariables = process.env): TriageProviderConfig {
  return loadConfig(triageProviderConfigSchema, env);
}

export interface ProviderDependencies {
  /** The offline provider: the answer when `local` is chosen, and the fallback of a remote one. */
  readonly local: TriageProvider;
  readonly logger: AppLogger;
  readonly metrics?: FallbackMetrics;
}

export function createTriageProvider(config: TriageProviderConfig, { local, logger, metrics }: ProviderDependencies): TriageProvider {
  const resilience = { timeoutMs: config.TRIAGE_TIMEOUT_MS, retries: config.TRIAGE_RETRIES, logger, ...(metrics ? { metrics } : {}) };
  switch (config.TRIAGE_PROVIDER) {
    case 'local':
      return local;
    case 'bedrock': {
      // One attempt per call: the wrapper retries (including invalid output), so SDK retries would multiply them.
      const client = new BedrockRuntimeClient({ maxAttempts: 1 });
      return resilientTriageProvider(bedrockTriageProvider({ client, modelId: config.TRIAGE_BEDROCK_MODEL_ID }), local, resilience);
    }
    case 'openai': {
      const client = new OpenAI({
        baseURL: config.TRIAGE_OPENAI_BASE_URL,
        apiKey: config.TRIAGE_OPENAI_API_KEY ?? config.OPENAI_API_KEY,
        timeout: config.TRIAGE_TIMEOUT_MS,
        maxRetries: 0,
      });
      return resilientTriageProvider(openAiTriageProvider({ client, model: config.TRIAGE_OPENAI_MODEL! }), local, resilience);
    }
    default: {
      const _exhaustive: never = config.TRIAGE_PROVIDER;
      return _exhaustive;
    }
  }
}
