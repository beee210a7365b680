/**
 * A local EventBridge endpoint: node:http speaking the AWS JSON 1.1 protocol (`X-Amz-Target: AWSEvents.<Op>`)
 * in front of a LocalEventBus, so the real @aws-sdk/client-eventbridge works against it through `endpoint`
 * or AWS_ENDPOINT_URL_EVENTBRIDGE. Operations: PutEvents, ListRules, DescribeRule, TestEventPattern.
 *
 * @example
 *   const eventBridge = await startLocalEventBridge({ bus });
 *   process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridge.endpoint;
 *   await eventBridge.stop();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DEFAULT_EVENT_BUS, PutEventsValidationError, type EventRule, type LocalEventBus } from './bus';
import { compileEventPattern, InvalidEventPatternError } from './pattern';

export interface StartLocalEventBridgeOptions {
  bus: LocalEventBus;
  port?: number;
  host?: string;
}

export interface LocalEventBridgeServer {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startLocalEventBridge({
  bus,
  port = 0,
  host = '127.0.0.1',
}: StartLocalEventBridgeOptions): Promise<LocalEventBridgeServer> {
  const server = createServer((request, response) => void handle(bus, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this close() would wait for them.
        server.closeAllConnections();
      }),
  };
}

/** An error in the AWS JSON shape: `{ "__type": type, "message": message }`. */
class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const TARGET_PREFIX = 'AWSEvents.';
// Far above the 256 KB PutEvents allows; only there to bound memory.
const MAX_BODY_BYTES = 1024 * 1024;

const putEventsInput = z.object({
  Entries: z.array(
    z.object({
      Source: z.string().optional(),
      DetailType: z.string().optional(),
      Detail: z.string().optional(),
      EventBusName: z.string().optional(),
      Resources: z.array(z.string()).optional(),
      // AWS JSON 1.1 carries timestamps as epoch seconds.
      Time: z.number().optional(),
      TraceHeader: z.string().optional(),
    }),
  ),
  EndpointId: z.string().optional(),
});
const listRulesInput = z.object({
  EventBusName: z.string().optional(),
  NamePrefix: z.string().optional(),
  Limit: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().regex(/^\d+$/).optional(),
});
const describeRuleInput = z.object({ Name: z.string().min(1), EventBusName: z.string().optional() });
const testEventPatternInput = z.object({ EventPattern: z.string(), Event: z.string() });

const operations: Record<string, (bus: LocalEventBus, input: unknown) => unknown> = {
  PutEvents(bus, input) {
    const { Entries } = parseInput(putEventsInput, input);
    return bus.putEvents(
      Entries.map(({ Time, ...entry }) => ({ ...entry, Time: Time === undefined ? undefined : new Date(Time * 1000) })),
    );
  },
  ListRules(bus, input) {
    const { EventBusName, NamePrefix, Limit = 100, NextToken = '0' } = parseInput(listRulesInput, input);
    const rules = bus.listRules(EventBusName, NamePrefix);
    const start = Number(NextToken);
    const end = start + Limit;
    return {
      Rules: rules.slice(start, end).map((rule) => describe(bus, rule)),
      ...(end < rules.length ? { NextToken: String(end) } : {}),
    };
  },
  DescribeRule(bus, input) {
    const { Name, EventBusName = DEFAULT_EVENT_BUS } = parseInput(describeRuleInput, input);
    const rule = bus.describeRule(Name, EventBusName);
    if (!rule) throw new AwsJsonError('ResourceNotFoundException', `Rule ${Name} does not exist on EventBus ${EventBusName}.`);
    return { ...describe(bus, rule), CreatedBy: bus.accountId };
  },
  TestEventPattern(_bus, input) {
    const { EventPattern, Event } = parseInput(testEventPatternInput, input);
    const event = parseJson(Event, () => new AwsJsonError('ValidationException', 'Parameter Event is not valid JSON.'));
    try {
      return { Result: compileEventPattern(EventPattern)(event) };
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new AwsJsonError('InvalidEventPatternException', error.message);
      throw error;
    }
  },
};

function describe(bus: LocalEventBus, rule: EventRule) {
  return {
    Name: rule.name,
    Arn: bus.ruleArn(rule),
    EventPattern: typeof rule.pattern === 'string' ? rule.pattern : JSON.stringify(rule.pattern),
    State: 'ENABLED',
    EventBusName: rule.eventBusName,
  };
}

async function handle(bus: LocalEventBus, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const operation = request.method === 'POST' && Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!operation) throw new AwsJsonError('UnknownOperationException', `Unknown operation: ${String(target)}`);
    const input = body === '' ? {} : parseJson(body, () => new AwsJsonError('SerializationException', 'Request body is not valid JSON.'));
    reply(response, requestId, 200, await operation(bus, input));
  } catch (error) {
    const failure = toAwsJsonError(error);
    if (failure.status >= 500) console.error('[local-eventbridge] request failed', error);
    reply(response, requestId, failure.status, { __type: failure.type, message: failure.message });
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Keep reading past the limit so the connection stays usable, but stop storing.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new AwsJsonError('ValidationException', `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, requestId: string, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': requestId,
  });
  response.end(json);
}

function toAwsJsonError(error: unknown): AwsJsonError {
  if (error instanceof AwsJsonError) return error;
  if (error instanceof PutEventsValidationError) return new AwsJsonError('ValidationException', error.message);
  return new AwsJsonError('InternalException', error instanceof Error ? error.message : String(error), 500);
}

function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`);
  throw new AwsJsonError('ValidationException', problems.join('; '));
}

function parseJson(text: string, invalid: () => AwsJsonError): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid();
  }
}
