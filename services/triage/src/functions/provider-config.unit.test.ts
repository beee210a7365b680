import { ConfigError } from '@cogdesk/shared/config';
import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import { describe, expect, it } from 'vitest';
import type { TriageProvider } from '../ports/triage-provider';
import { createTriageProvider, defaultBedrockModelId, loadTriageProviderConfig } from './provider-config';

const local: TriageProvider = { name: 'local', needsExamples: false, triage: () => Promise.reject(new Error('not called')) };
const logger = new RecordingLogger();

function configError(env: Record<string, string>): ConfigError {
  try {
    loadTriageProviderConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('triage provider configuration', () => {
  it('defaults to the local provider, an 8 s timeout and 2 retries', () => {
    const config = loadTriageProviderConfig({});
    expect(config).toMatchObject({ TRIAGE_PROVIDER: 'local', TRIAGE_BEDROCK_MODEL_ID: defaultBedrockModelId, TRIAGE_TIMEOUT_MS: 8000, TRIAGE_RETRIES: 2 });
    expect(createTriageProvider(config, { local, logger })).toBe(local);
  });

  it('builds bedrock behind the resilient wrapper with the default Claude Haiku inference profile', () => {
    const config = loadTriageProviderConfig({ TRIAGE_PROVIDER: 'bedrock' });
    expect(config.TRIAGE_BEDROCK_MODEL_ID).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    const provider = createTriageProvider(config, { local, logger });
    expect(provider).not.toBe(local);
    expect(provider).toMatchObject({ name: 'bedrock', needsExamples: true });
  });

  it('builds openai from its base URL, model and key, accepting OPENAI_API_KEY for the key', () => {
    const config = loadTriageProviderConfig({
      TRIAGE_PROVIDER: 'openai',
      TRIAGE_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      TRIAGE_OPENAI_MODEL: 'llama3.1:8b',
      OPENAI_API_KEY: 'sk-from-the-usual-variable',
      TRIAGE_TIMEOUT_MS: '2500',
      TRIAGE_RETRIES: '0',
    });
    expect(config).toMatchObject({ TRIAGE_TIMEOUT_MS: 2500, TRIAGE_RETRIES: 0 });
    expect(createTriageProvider(config, { local, logger })).toMatchObject({ name: 'openai', needsExamples: true });
  });

  it('names every variable openai needs when they are missing', () => {
    const error = configError({ TRIAGE_PROVIDER: 'openai' });
    expect(error.problems).toEqual([
      'TRIAGE_OPENAI_BASE_URL: required',
      'TRIAGE_OPENAI_MODEL: required',
      'TRIAGE_OPENAI_API_KEY (or OPENAI_API_KEY): required',
    ]);
  });

  it('needs no openai settings for bedrock or local', () => {
    expect(() => loadTriageProviderConfig({ TRIAGE_PROVIDER: 'bedrock' })).not.toThrow();
    expect(() => loadTriageProviderConfig({ TRIAGE_PROVIDER: 'local' })).not.toThrow();
  });

  it('rejects an unknown provider, a bad URL, a bad timeout and too many retries, without echoing the key', () => {
    expect(configError({ TRIAGE_PROVIDER: 'anthropic' }).problems).toEqual([expect.stringMatching(/^TRIAGE_PROVIDER: .*got 'anthropic'$/)]);
    const error = configError({
      TRIAGE_PROVIDER: 'openai',
      TRIAGE_OPENAI_BASE_URL: 'not a url',
      TRIAGE_OPENAI_MODEL: 'gpt-4o-mini',
      TRIAGE_OPENAI_API_KEY: 'sk-secret',
      TRIAGE_TIMEOUT_MS: 'soon',
      TRIAGE_RETRIES: '50',
    });
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual(['TRIAGE_OPENAI_BASE_URL', 'TRIAGE_TIMEOUT_MS', 'TRIAGE_RETRIES']);
    expect(error.message).not.toContain('sk-secret');
  });
});
