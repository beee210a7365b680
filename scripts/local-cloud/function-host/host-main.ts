/**
 * Entry point of a function host process (see host.ts): loads the functions it was given, runs their
 * SQS and schedule triggers itself, and serves their HTTP routes and direct invocations on 127.0.0.1.
 * Ctrl-C reaches the whole process group: the host ignores SIGINT and lets the local cloud stop it in
 * order; it also stops by itself if the local cloud goes away without asking.
 */
import { format } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createGateway } from '../gateway';
import { createLambdaInvoker, disposeFunctions, loadFunctions } from '../functions';
import { startTriggers } from '../triggers';
import { INVOKE_PATH, type FromHost, type HostConfig } from './protocol';

process.on('SIGINT', () => undefined);
const config = JSON.parse(process.argv[2]!) as HostConfig;
const send = (message: FromHost) => process.connected && process.send!(message);
const log =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (...args: unknown[]) =>
    send({ kind: 'log', level, message: format(...args) });
const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

try {
  const functions = await loadFunctions(config.functions);
  const invoke = createLambdaInvoker(functions);
  const gateway = createGateway([...functions.values()], { info: config.info });
  // Registered ahead of the gateway's routes, whose greedy `{proxy+}` paths would otherwise take it.
  const app = new Hono();
  app.post(`${INVOKE_PATH}/:name`, async (c) => {
    try {
      return c.json({ result: await invoke(c.req.param('name'), await c.req.json()) });
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
  const triggers = startTriggers(functions.values(), {
    client: new SQSClient({ endpoint: config.sqsEndpoint, region: config.region }),
    queueUrls: new Map(config.queueUrls),
    logger,
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Triggers first, so no batch starts on a function being disposed; then what the functions hold.
      await triggers.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await disposeFunctions(functions.values());
    })().then(
      () => exitAfter({ kind: 'stopped' }, 0),
      (error: unknown) => exitAfter({ kind: 'failed', message: format(error) }, 1),
    ));
  process.on('message', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  const address = server.address();
  send({ kind: 'started', url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
} catch (error) {
  exitAfter({ kind: 'failed', message: format(error) }, 1);
}

/** Exits once the message is on its way (a plain exit could drop it); with no parent left, at once. */
function exitAfter(message: FromHost, code: number): void {
  if (process.connected) process.send!(message, () => process.exit(code));
  else process.exit(code);
}
