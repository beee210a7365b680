import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { emulatorClientConfig } from './emulators';

/** The headers of the request a client would send (it is stopped before the network). */
async function headersSentBy(client: SQSClient): Promise<Record<string, string>> {
  let headers: Record<string, string> = {};
  client.middlewareStack.add(
    () => (args) => {
      headers = (args.request as { headers: Record<string, string> }).headers;
      return Promise.reject(new Error('not sent'));
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  await expect(client.send(new ListQueuesCommand({}))).rejects.toThrow('not sent');
  return headers;
}

describe('emulatorClientConfig', () => {
  it('leaves the local cloud\'s own requests to its emulators unsigned, where a default client signs', async () => {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const unsigned = await headersSentBy(new SQSClient({ ...emulatorClientConfig('http://127.0.0.1:1'), credentials, maxAttempts: 1 }));
    const signed = await headersSentBy(new SQSClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials, maxAttempts: 1 }));

    expect(unsigned.authorization).toBeUndefined();
    expect(signed.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});
