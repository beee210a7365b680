import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

type Dynalite = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => Server;

// dynalite ships no types; loading it through require keeps an ambient module declaration out of the project.
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/**
 * Starts an in-memory DynamoDB emulator on 127.0.0.1 at an OS-chosen port; `stop()` it after the tests.
 * It lacks TransactWriteItems.
 *
 * @example
 *   const dynamo = await startDynalite();
 *   const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 *   afterAll(() => dynamo.stop());
 */
export async function startDynalite(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
