import './promise-with-resolvers';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { StepFunctionsError } from './errors';

/** The Task resources the local runtime can run, and how AWS names them in execution history. */
export type TaskResource =
  | { kind: 'lambdaFunction'; functionArn: string }
  | { kind: 'lambdaInvoke'; resourceType: 'lambda'; resource: 'invoke' }
  | { kind: 'putEvents'; resourceType: 'events'; resource: 'putEvents' };

export interface TaskInfo {
  resource: TaskResource;
  timeoutSeconds?: number;
}

export interface CompiledDefinition {
  machine: StateMachine;
  /** Task states by name (AWS requires state names to be unique across the whole machine, nested ones included). */
  tasks: ReadonlyMap<string, TaskInfo>;
}

type Json = Record<string, unknown>;

// AWS's default Task timeout is 99999999 s; the library's is 60 s. Node timers cap at 2^31-1 ms, so use that.
const UNBOUNDED_TASK_TIMEOUT_SECONDS = 2_147_483;
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(:[^:]+)?$/;

/**
 * Validates a JSONPath ASL definition (through the library's validator) and builds the machine that runs it:
 * Retry intervals scaled by `retryIntervalScale` (backoff kept), Task timeouts defaulted as AWS does.
 */
export function compileDefinition(definition: string, options: { retryIntervalScale: number }): CompiledDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    throw new StepFunctionsError('InvalidDefinition', `Invalid State Machine Definition: '${(error as Error).message}'`);
  }
  try {
    new StateMachine(parsed as StateMachineDefinition);
  } catch (error) {
    throw new StepFunctionsError('InvalidDefinition', `Invalid State Machine Definition: '${(error as Error).message}'`);
  }
  const tasks = new Map<string, TaskInfo>();
  const runnable = rewriteMachine(parsed as Json, options.retryIntervalScale, tasks);
  // Validated above; the rewritten copy may hold fractional intervals the validator would reject.
  const machine = new StateMachine(runnable as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  return { machine, tasks };
}

function rewriteMachine(machine: Json, scale: number, tasks: Map<string, TaskInfo>): Json {
  const states = Object.entries(machine.States as Record<string, Json>);
  return { ...machine, States: Object.fromEntries(states.map(([name, state]) => [name, rewriteState(name, state, scale, tasks)])) };
}

function rewriteState(name: string, state: Json, scale: number, tasks: Map<string, TaskInfo>): Json {
  const copy: Json = { ...state };
  if (Array.isArray(state.Retry)) copy.Retry = (state.Retry as Json[]).map((retrier) => scaleRetrier(retrier, scale));
  switch (state.Type) {
    case 'Task':
      tasks.set(name, taskInfo(name, state));
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
        copy.TimeoutSeconds = UNBOUNDED_TASK_TIMEOUT_SECONDS;
      }
      break;
    case 'Parallel':
      copy.Branches = (state.Branches as Json[]).map((branch) => rewriteMachine(branch, scale, tasks));
      break;
    case 'Map':
      for (const field of ['Iterator', 'ItemProcessor'] as const) {
        if (state[field]) copy[field] = rewriteMachine(state[field] as Json, scale, tasks);
      }
      break;
  }
  return copy;
}

function scaleRetrier(retrier: Json, scale: number): Json {
  const scaled: Json = { ...retrier, IntervalSeconds: ((retrier.IntervalSeconds as number | undefined) ?? 1) * scale };
  if (typeof retrier.MaxDelaySeconds === 'number') scaled.MaxDelaySeconds = retrier.MaxDelaySeconds * scale;
  return scaled;
}

function taskInfo(stateName: string, state: Json): TaskInfo {
  const resource = taskResource(stateName, state);
  return typeof state.TimeoutSeconds === 'number' ? { resource, timeoutSeconds: state.TimeoutSeconds } : { resource };
}

function taskResource(stateName: string, state: Json): TaskResource {
  const resource = state.Resource as string;
  const parameters = (state.Parameters ?? {}) as Json;
  const requireParameter = (field: string) => {
    if (!(field in parameters) && !(`${field}.$` in parameters)) {
      throw new StepFunctionsError(
        'InvalidDefinition',
        `Invalid State Machine Definition: 'MISSING_PARAMETER: The field '${field}' is required for ${resource} (state '${stateName}')'`,
      );
    }
  };
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: 'lambdaFunction', functionArn: resource };
  if (resource === 'arn:aws:states:::lambda:invoke') {
    requireParameter('FunctionName');
    return { kind: 'lambdaInvoke', resourceType: 'lambda', resource: 'invoke' };
  }
  if (resource === 'arn:aws:states:::events:putEvents') {
    requireParameter('Entries');
    return { kind: 'putEvents', resourceType: 'events', resource: 'putEvents' };
  }
  throw new StepFunctionsError(
    'InvalidDefinition',
    `Invalid State Machine Definition: 'Task state '${stateName}' uses resource '${resource}', which the local Step Functions ` +
      `runtime does not run (supported: Lambda function ARNs, arn:aws:states:::lambda:invoke, arn:aws:states:::events:putEvents)'`,
  );
}
