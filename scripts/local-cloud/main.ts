/**
 * `npm start`: the whole of Cogdesk on this machine. Config (all optional):
 *   PORT (3000), DATA_DIR (.data), API_TOKEN (an admin bearer token to accept and print instead of minting
 *   one), MONGODB_URI (a real MongoDB instead of the embedded one).
 */
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '@cogdesk/shared/config';
import { localAuthEnvironment } from './auth';
import { defaultServiceDirs } from '../service-dirs';
import { startLocalCloud } from './local-cloud';

// Lambda runs Node 22; locally the SDK's notice that it will soon need Node 22 is noise at every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.resolve(import.meta.dirname, '../..');
const config = loadConfig(
  z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default(path.join(root, '.data')),
    API_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    MONGODB_URI: z.string().url().optional(),
  }),
);

const started = Date.now();
const dataDir = path.resolve(config.DATA_DIR);
// A large data dir takes a while to open (about half a minute at 100,000 tickets): say so at once.
console.info(`Starting Cogdesk; data in ${dataDir}`);
const auth = await localAuthEnvironment({ dataDir, apiToken: config.API_TOKEN });
const cloud = await startLocalCloud({
  dataDir,
  port: config.PORT,
  serviceDirs: defaultServiceDirs(root),
  ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI } : {}),
  environment: auth.environment,
  backendPriority: 'background',
  onBackendExit: () => shutdown('backend exit', 1),
});

const url = cloud.url.replace('127.0.0.1', 'localhost');
console.info(
  [
    `Cogdesk is running (${((Date.now() - started) / 1000).toFixed(1)} s); data in ${dataDir}`,
    `  dashboard   ${url}/`,
    `  API docs    ${url}/api/docs`,
    `  admin token ${auth.adminToken}`,
    `  e.g. curl -H "Authorization: Bearer $TOKEN" ${url}/api/tickets`,
  ].join('\n'),
);

let stopping = false;
function shutdown(reason: string, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  console.info(`${reason}: finishing in-flight work and saving state...`);
  cloud.stop().then(
    () => process.exit(exitCode),
    (error: unknown) => {
      console.error('shutdown failed', error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
// Whoever read this output is gone (a closed terminal, a script that started us and died): the next log
// line would crash the process on EPIPE, mid-shutdown or not, so stop cleanly instead.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => shutdown('output closed'));
