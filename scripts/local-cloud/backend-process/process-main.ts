/**
 * Entry point of the backend process (see process.ts): starts the backend with every function that does
 * not run in the API process, and serves those functions' HTTP routes and direct invocations on
 * 127.0.0.1. Ctrl-C reaches the whole process group: the backend ignores SIGINT and lets the API process
 * stop it in order; it also stops by itself if the API process goes away without asking.
 */
import { format } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startBackend } from '../backend';
import { exitAfter, parentLogger } from '../child-service';
import { createGateway } from '../gateway';
import { runsInApiProcess } from '../placement';
import { runInBackground } from './background-priority';
import { INVOKE_PATH, type BackendConfig, type FromBackend } from './protocol';

process.on('SIGINT', () => undefined);
const config = JSON.parse(process.argv[2]!) as BackendConfig;
const send = (message: FromBackend) => process.connected && process.send!(message);
const logger = parentLogger();

try {
  const backend = await startBackend({
    ...config,
    loads: (fn) => !runsInApiProcess(fn, config.backendServices),
    emulators: 'process',
    // Without its queues and bus the backend cannot work: exit, and the API process reports it.
    onEmulatorsExit: () => process.exit(1),
    logger,
  });
  // After the start, so the emulators and MongoDB processes it forked keep their priority.
  if (config.priority === 'background') logger.debug(`backend runs in the background (${runInBackground() === 'idle' ? 'SCHED_IDLE' : 'nice 19'})`);
  const gateway = createGateway([...backend.functions.values()], { info: config.info });
  // Registered ahead of the gateway's routes, whose greedy `{proxy+}` paths would otherwise take it.
  const app = new Hono();
  app.post(`${INVOKE_PATH}/:name`, async (c) => {
    try {
      return c.json({ result: await backend.invoke(c.req.param('name'), await c.req.json()) });
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      return c.json({ error: { name, message } }, 500);
    }
  });
  app.all('*', (c) => gateway.fetch(c.req.raw));
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
    listening.once('error', reject);
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await backend.stop();
    })().then(
      () => exitAfter({ kind: 'stopped' }, 0),
      (error: unknown) => exitAfter({ kind: 'failed', message: format(error) }, 1),
    ));
  process.on('message', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  const address = server.address();
  send({
    kind: 'started',
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    wiring: backend.wiring,
    endpoints: backend.endpoints,
    environment: backend.environment,
    queueUrls: [...backend.queueUrls],
  });
} catch (error) {
  exitAfter({ kind: 'failed', message: format(error) }, 1);
}
