import { ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { emulatorClientConfig, emulatorSqsClient } from './emulators';

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

describe('emulatorSqsClient', () => {
  /** Receives one message whose MD5 does not match its body (the reply is made up before the network). */
  function receiveCorrupted(client: SQSClient) {
    client.middlewareStack.add(
      () => () => Promise.resolve({ response: {}, output: { $metadata: {}, Messages: [{ MessageId: 'm-1', Body: 'hello', MD5OfBody: '00000000000000000000000000000000' }] } }),
      { step: 'finalizeRequest', priority: 'low' },
    );
    return client.send(new ReceiveMessageCommand({ QueueUrl: 'http://127.0.0.1:1/000000000000/q' }));
  }

  it('does not check message MD5s, where a default client refuses a mismatch', async () => {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    await expect(receiveCorrupted(emulatorSqsClient('http://127.0.0.1:1'))).resolves.toMatchObject({ Messages: [{ Body: 'hello' }] });
    await expect(receiveCorrupted(new SQSClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials }))).rejects.toThrow(/md5/i);
  });
});
