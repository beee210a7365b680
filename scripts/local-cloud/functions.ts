/**
 * Loads the functions the wiring declares, in this one process, the way Lambda would run them: the
 * function's environment is set before its module is imported, and each call gets a Lambda-like context.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { WiringError, type FunctionSpec } from './wiring/wiring';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LoadedFunction {
  spec: FunctionSpec;
  handler: LambdaHandler;
  /** The module's other exports; HTTP functions export their Hono `app` beside `handler`. */
  module: Record<string, unknown>;
}

/**
 * All functions share one process.env, so two functions that need the same variable must agree on its
 * value; a clash is a wiring mistake (give the variable a service-specific name) and fails loudly.
 */
export function applyFunctionEnvironment(functions: FunctionSpec[], env: NodeJS.ProcessEnv, overrides: Record<string, string>): void {
  const owners = new Map<string, { value: string; owner: string }>();
  for (const fn of functions) {
    for (const [key, value] of Object.entries(fn.environment)) {
      // CloudFormation resolves {{resolve:ssm:...}} at deploy time; locally the overrides supply such values.
      if (key in overrides || value.startsWith('{{resolve:')) continue;
      const seen = owners.get(key);
      if (seen && seen.value !== value) {
        throw new WiringError(`environment variable ${key} is "${seen.value}" for ${seen.owner} but "${value}" for ${fn.name}; give it a service-specific name`);
      }
      owners.set(key, { value, owner: fn.name });
    }
  }
  for (const [key, { value }] of owners) env[key] = value;
  Object.assign(env, overrides);
}

export async function loadFunctions(functions: FunctionSpec[]): Promise<Map<string, LoadedFunction>> {
  const loaded = new Map<string, LoadedFunction>();
  for (const spec of functions) {
    const module = (await import(spec.modulePath)) as Record<string, unknown>;
    const handler = module[spec.exportName];
    if (typeof handler !== 'function') {
      throw new WiringError(`${spec.modulePath} does not export a function "${spec.exportName}" (function ${spec.name})`);
    }
    loaded.set(spec.arn, { spec, handler: handler as LambdaHandler, module });
  }
  return loaded;
}

export function lambdaContext(spec: FunctionSpec): Context {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: spec.arn,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The function an ARN or a name means, as Lambda's Invoke API reads its FunctionName. */
export function findFunction<T extends { spec: FunctionSpec }>(functions: Iterable<T>, arnOrName: string): T | undefined {
  const all = [...functions];
  return (
    all.find((fn) => fn.spec.arn === arnOrName) ??
    all.find((fn) => fn.spec.name === arnOrName) ??
    all.find((fn) => fn.spec.name === (arnOrName.split(':').at(-1) ?? ''))
  );
}

/** Invokes a loaded function by ARN or name, as Lambda's Invoke API would. */
/** Invocations of one function that run at once locally; more wait their turn (see createLambdaInvoker). */
export const LOCAL_FUNCTION_CONCURRENCY = 50;

/**
 * Lambda's Invoke, locally, by ARN or name. One module instance serves every invocation here, where Lambda
 * gives each its own container; under a burst its SDK clients (a pool of 50 sockets each) queued hundreds
 * of calls and warned about it. So at most `concurrency` invocations of a function run at once and the rest
 * wait, as Lambda holds back invocations beyond a function's concurrency.
 */
export function createLambdaInvoker(functions: Map<string, LoadedFunction>, concurrency = LOCAL_FUNCTION_CONCURRENCY) {
  const slots = new Map<string, Slots>();
  return async (arnOrName: string, payload: unknown): Promise<unknown> => {
    const fn = findFunction(functions.values(), arnOrName);
    if (!fn) throw new WiringError(`no local function ${arnOrName}`);
    let slot = slots.get(fn.spec.name);
    if (!slot) slots.set(fn.spec.name, (slot = new Slots(concurrency)));
    await slot.acquire();
    try {
      // The timeout counts from when the invocation runs, not from when it was asked for.
      return await fn.handler(payload, lambdaContext(fn.spec));
    } finally {
      slot.release();
    }
  };
}

/** A counting semaphore: first come, first served. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.running < this.size) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the next waiting invocation, if any. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/**
 * Calls each distinct `dispose` the function modules export (a module shared by several functions counts
 * once), so what they hold open (database clients, timers) closes with the local cloud. Lambda has no such
 * hook; a container's connections simply end with it.
 */
export async function disposeFunctions(functions: Iterable<LoadedFunction>): Promise<void> {
  const disposers = new Set<() => Promise<void>>();
  for (const fn of functions) {
    if (typeof fn.module.dispose === 'function') disposers.add(fn.module.dispose as () => Promise<void>);
  }
  await Promise.all([...disposers].map((dispose) => dispose()));
}
