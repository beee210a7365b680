import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExecutionStatus } from '@aws-sdk/client-sfn';
import type { LocalStepFunctions } from './engine';
import { StepFunctionsError } from './errors';

export interface LocalStepFunctionsServer {
  endpoint: string;
  port: number;
  stop: () => Promise<void>;
}

type Body = Record<string, unknown>;
type Operation = (engine: LocalStepFunctions, body: Body) => unknown;

/** The Step Functions API operations served, by `X-Amz-Target` (`AWSStepFunctions.<name>`). */
const OPERATIONS: Record<string, Operation> = {
  CreateStateMachine: (engine, body) => {
    const roleArn = optional(body, 'roleArn', 'string');
    const stateMachineArn = engine.createStateMachine({
      name: required(body, 'name'),
      definition: required(body, 'definition'),
      ...(roleArn !== undefined && { roleArn }),
    });
    return { stateMachineArn, creationDate: engine.describeStateMachine(stateMachineArn).creationDate };
  },
  UpdateStateMachine: (engine, body) => {
    const definition = optional(body, 'definition', 'string');
    const roleArn = optional(body, 'roleArn', 'string');
    return engine.updateStateMachine({
      stateMachineArn: required(body, 'stateMachineArn'),
      ...(definition !== undefined && { definition }),
      ...(roleArn !== undefined && { roleArn }),
    });
  },
  DescribeStateMachine: (engine, body) => engine.describeStateMachine(required(body, 'stateMachineArn')),
  ListStateMachines: (engine, body) => engine.listStateMachines(pageOf(body)),
  StartExecution: (engine, body) => {
    const name = optional(body, 'name', 'string');
    const input = optional(body, 'input', 'string');
    return engine.startExecution({
      stateMachineArn: required(body, 'stateMachineArn'),
      ...(name !== undefined && { name }),
      ...(input !== undefined && { input }),
    });
  },
  DescribeExecution: (engine, body) => engine.describeExecution(required(body, 'executionArn')),
  GetExecutionHistory: (engine, body) => {
    const reverseOrder = optional(body, 'reverseOrder', 'boolean');
    return engine.getExecutionHistory(required(body, 'executionArn'), {
      ...pageOf(body),
      ...(reverseOrder !== undefined && { reverseOrder }),
    });
  },
  ListExecutions: (engine, body) => {
    const statusFilter = optional(body, 'statusFilter', 'string');
    if (statusFilter !== undefined && !Object.values<string>(ExecutionStatus).includes(statusFilter)) {
      throw validation(
        `Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${Object.values(ExecutionStatus).join(', ')}]`,
      );
    }
    return engine.listExecutions({
      stateMachineArn: required(body, 'stateMachineArn'),
      ...pageOf(body),
      ...(statusFilter !== undefined && { statusFilter: statusFilter as ExecutionStatus }),
    });
  },
  StopExecution: (engine, body) => {
    const error = optional(body, 'error', 'string');
    const cause = optional(body, 'cause', 'string');
    return engine.stopExecution(required(body, 'executionArn'), {
      ...(error !== undefined && { error }),
      ...(cause !== undefined && { cause }),
    });
  },
};

/** Serves the engine over the AWS JSON 1.0 protocol, so `@aws-sdk/client-sfn` works against it unchanged. */
export async function startLocalStepFunctions(options: {
  engine: LocalStepFunctions;
  port?: number;
  host?: string;
}): Promise<LocalStepFunctionsServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    handle(options.engine, request, response).catch((error: unknown) =>
      reply(response, 500, { __type: 'InternalFailure', message: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function handle(engine: LocalStepFunctions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.headers['x-amz-target'];
  const operation =
    typeof target === 'string' && target.startsWith('AWSStepFunctions.') ? OPERATIONS[target.slice('AWSStepFunctions.'.length)] : undefined;
  const text = await readBody(request);
  if (request.method !== 'POST' || !operation) {
    reply(response, 400, { __type: 'UnknownOperationException', message: `Unknown operation: ${String(target)}` });
    return;
  }
  let body: Body;
  try {
    body = text ? (JSON.parse(text) as Body) : {};
  } catch {
    reply(response, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON' });
    return;
  }
  try {
    reply(response, 200, await operation(engine, body));
  } catch (error) {
    if (!(error instanceof StepFunctionsError)) throw error;
    reply(response, 400, { __type: error.code, message: error.message });
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(toWire(body));
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

// AWS JSON 1.0 sends timestamps as epoch seconds (the SDK turns them back into Dates).
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : [[key, toWire(item)]])));
  }
  return value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function validation(message: string): StepFunctionsError {
  return new StepFunctionsError('ValidationException', `1 validation error detected: ${message}`);
}

function required(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string') throw validation(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function optional<T extends 'string' | 'number' | 'boolean'>(
  body: Body,
  field: string,
  type: T,
): { string: string; number: number; boolean: boolean }[T] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw validation(`Value at '${field}' failed to satisfy constraint: Member must be a ${type}`);
  return value as { string: string; number: number; boolean: boolean }[T];
}

function pageOf(body: Body): { maxResults?: number; nextToken?: string } {
  const maxResults = optional(body, 'maxResults', 'number');
  const nextToken = optional(body, 'nextToken', 'string');
  if (maxResults !== undefined && (maxResults < 0 || maxResults > 1000)) {
    throw validation(`Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 1000`);
  }
  return { ...(maxResults !== undefined && { maxResults }), ...(nextToken !== undefined && { nextToken }) };
}
