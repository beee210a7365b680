/**
 * Reads the serverless.yml files (platform + services) into the wiring the local cloud runs: queues, tables,
 * topics, buses, rules, functions and their triggers, state machines. Declared once, read here, deployed by
 * `serverless deploy`: local and AWS wiring cannot drift.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { CloudFormationResolver, type CfnResource, type CfnStack } from './cloudformation';
import { resolveVariables } from './serverless-variables';

export interface WiringOptions {
  /** Directories holding a serverless.yml, platform first. */
  serviceDirs: string[];
  stage: string;
  region: string;
  accountId: string;
  queueUrlBase: string;
  env?: Record<string, string | undefined>;
}

export interface QueueSpec {
  name: string;
  arn: string;
  url: string;
  /** SQS CreateQueue attributes (strings, as the API takes them). */
  attributes: Record<string, string>;
}

export interface TableSpec {
  name: string;
  /** The CloudFormation properties, resolved: KeySchema, AttributeDefinitions, indexes, TTL. */
  properties: Record<string, unknown>;
}

export interface RuleTargetSpec {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
}

export interface RuleSpec {
  name: string;
  eventBusName: string;
  pattern: Record<string, unknown>;
  enabled: boolean;
  targets: RuleTargetSpec[];
}

export type FunctionTrigger =
  | { kind: 'http'; method: string; path: string }
  | {
      kind: 'sqs';
      queueArn: string;
      batchSize: number;
      maximumBatchingWindowSeconds: number;
      reportBatchItemFailures: boolean;
      /** Concurrent batches; Lambda starts with 5 pollers and scales, capped by `maximumConcurrency`. */
      maximumConcurrency: number;
    }
  | { kind: 'schedule'; expression: string; enabled: boolean };

export interface FunctionSpec {
  service: string;
  key: string;
  name: string;
  arn: string;
  /** Absolute path of the handler module and the export to call. */
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
  triggers: FunctionTrigger[];
}

export interface StateMachineSpec {
  name: string;
  arn: string;
  definition: Record<string, unknown>;
}

export interface LocalWiring {
  buses: string[];
  queues: QueueSpec[];
  tables: TableSpec[];
  topics: { name: string; arn: string }[];
  rules: RuleSpec[];
  functions: FunctionSpec[];
  stateMachines: StateMachineSpec[];
}

export class WiringError extends Error {
  override name = 'WiringError';
}

interface ResolvedRuleProperties {
  EventBusName?: string;
  EventPattern: Record<string, unknown>;
  State?: string;
  Targets?: { Id: string; Arn: string; Input?: string; InputPath?: string }[];
}

interface ServerlessFile {
  service: string;
  provider?: { environment?: Record<string, unknown>; timeout?: number };
  functions?: Record<string, ServerlessFunction>;
  resources?: { Resources?: Record<string, CfnResource>; Outputs?: CfnStack['outputs'] };
  stepFunctions?: { stateMachines?: Record<string, ServerlessStateMachine> };
}

interface ServerlessFunction {
  handler: string;
  name?: string;
  timeout?: number;
  environment?: Record<string, unknown>;
  events?: Record<string, unknown>[];
}

interface ServerlessStateMachine {
  name?: string;
  id?: string;
  definition: Record<string, unknown>;
  events?: { eventBridge?: { eventBusName?: unknown; event: Record<string, unknown>; enabled?: boolean } }[];
}

/** serverless's logical-id normalisation: `find-duplicates` → `FindDashduplicates`. */
export function normalizeName(name: string): string {
  const replaced = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

export async function loadWiring(options: WiringOptions): Promise<LocalWiring> {
  const files = await Promise.all(
    options.serviceDirs.map(async (dir) => {
      const file = path.join(dir, 'serverless.yml');
      const raw = parse(await readFile(file, 'utf8')) as ServerlessFile;
      try {
        return { dir, file, config: resolveVariables(raw, { stage: options.stage, region: options.region, env: options.env ?? process.env }) };
      } catch (error) {
        throw new WiringError(`${file}: ${(error as Error).message}`);
      }
    }),
  );

  const stacks = files.map(({ config }): CfnStack => {
    const functionNames: Record<string, string> = {};
    for (const [key, fn] of Object.entries(config.functions ?? {})) {
      const name = fn.name ?? `${config.service}-${options.stage}-${key}`;
      functionNames[key] = name;
      functionNames[`${normalizeName(key)}LambdaFunction`] = name;
    }
    const stateMachineNames: Record<string, string> = {};
    for (const [key, machine] of Object.entries(config.stepFunctions?.stateMachines ?? {})) {
      const name = machine.name ?? `${normalizeName(key)}StepFunctionsStateMachine-${options.stage}`;
      stateMachineNames[key] = name;
      stateMachineNames[machine.id ?? `${normalizeName(key)}StepFunctionsStateMachine`] = name;
    }
    return {
      name: `${config.service}-${options.stage}`,
      resources: config.resources?.Resources ?? {},
      outputs: config.resources?.Outputs ?? {},
      functionNames,
      stateMachineNames,
    };
  });

  const cfn = new CloudFormationResolver(stacks, {
    region: options.region,
    accountId: options.accountId,
    queueUrlBase: options.queueUrlBase,
  });
  const wiring: LocalWiring = { buses: [], queues: [], tables: [], topics: [], rules: [], functions: [], stateMachines: [] };

  files.forEach(({ dir, file, config }, index) => {
    const stack = stacks[index]!;
    const resolve = <T>(value: unknown) => cfn.resolve(stack, value) as T;
    const where = (what: string) => `${file}: ${what}`;

    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      // Only what runs locally is resolved: S3, CloudFront and alarms are deploy-only.
      const properties = () => resolve<Record<string, unknown>>(resource.Properties ?? {});
      switch (resource.Type) {
        case 'AWS::Events::EventBus':
          wiring.buses.push(cfn.physicalName(stack, logicalId));
          break;
        case 'AWS::SQS::Queue':
          wiring.queues.push({
            name: cfn.physicalName(stack, logicalId),
            arn: cfn.getAtt(stack, logicalId, 'Arn'),
            url: cfn.ref(stack, logicalId),
            attributes: queueAttributes(properties()),
          });
          break;
        case 'AWS::DynamoDB::Table':
          wiring.tables.push({ name: cfn.physicalName(stack, logicalId), properties: properties() });
          break;
        case 'AWS::SNS::Topic':
          wiring.topics.push({ name: cfn.physicalName(stack, logicalId), arn: cfn.ref(stack, logicalId) });
          break;
        case 'AWS::Events::Rule': {
          const rule = properties() as unknown as ResolvedRuleProperties;
          wiring.rules.push({
            name: cfn.physicalName(stack, logicalId),
            eventBusName: rule.EventBusName ?? 'default',
            pattern: rule.EventPattern,
            enabled: rule.State !== 'DISABLED',
            targets: (rule.Targets ?? []).map((target) => ({
              id: target.Id,
              arn: target.Arn,
              ...(target.Input !== undefined ? { input: target.Input } : {}),
              ...(target.InputPath !== undefined ? { inputPath: target.InputPath } : {}),
            })),
          });
          break;
        }
        default:
          break;
      }
    }

    const providerEnvironment = resolve<Record<string, unknown>>(config.provider?.environment ?? {});
    for (const [key, fn] of Object.entries(config.functions ?? {})) {
      const match = /^(.*)\.([A-Za-z_$][\w$]*)$/.exec(fn.handler);
      if (!match) throw new WiringError(where(`function ${key}: handler "${fn.handler}" is not "<module>.<export>"`));
      const name = stack.functionNames[key]!;
      wiring.functions.push({
        service: config.service,
        key,
        name,
        arn: cfn.arn('lambda', `function:${name}`),
        modulePath: path.resolve(dir, `${match[1]}.ts`),
        exportName: match[2]!,
        timeoutSeconds: fn.timeout ?? config.provider?.timeout ?? 6,
        environment: stringValues({ ...providerEnvironment, ...resolve<Record<string, unknown>>(fn.environment ?? {}) }),
        triggers: (fn.events ?? []).flatMap((event) => functionTriggers(resolve<Record<string, unknown>>(event), where(`function ${key}`))),
      });
    }

    for (const [key, machine] of Object.entries(config.stepFunctions?.stateMachines ?? {})) {
      const name = stack.stateMachineNames[key]!;
      const arn = cfn.arn('states', `stateMachine:${name}`);
      wiring.stateMachines.push({ name, arn, definition: resolve(machine.definition) });
      (machine.events ?? []).forEach((event, position) => {
        if (!event.eventBridge) return;
        wiring.rules.push({
          name: `${name}-rule-${position + 1}`,
          eventBusName: String(resolve(event.eventBridge.eventBusName ?? 'default')),
          pattern: resolve(event.eventBridge.event),
          enabled: event.eventBridge.enabled !== false,
          targets: [{ id: `${name}-target`, arn }],
        });
      });
    }
  });
  assertVisibilityCoversTimeout(wiring);
  return wiring;
}

/** AWS refuses an SQS trigger whose queue hides a message for less time than the function may run. */
function assertVisibilityCoversTimeout(wiring: LocalWiring): void {
  for (const fn of wiring.functions) {
    for (const trigger of fn.triggers) {
      if (trigger.kind !== 'sqs') continue;
      const queue = wiring.queues.find((q) => q.arn === trigger.queueArn);
      const visibility = Number(queue?.attributes.VisibilityTimeout ?? 30);
      if (visibility < fn.timeoutSeconds) {
        throw new WiringError(
          `${fn.name}: queue ${queue?.name ?? trigger.queueArn} visibility timeout ${visibility} s is less than the function timeout ${fn.timeoutSeconds} s`,
        );
      }
    }
  }
}

function queueAttributes(properties: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'FifoQueue']) {
    const value = properties[key] as string | number | boolean | undefined;
    if (value !== undefined) attributes[key] = String(value);
  }
  const redrive = properties.RedrivePolicy as { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
  if (redrive) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: redrive.deadLetterTargetArn,
      maxReceiveCount: String(redrive.maxReceiveCount),
    });
  }
  return attributes;
}

function functionTriggers(event: Record<string, unknown>, where: string): FunctionTrigger[] {
  const [kind, spec] = Object.entries(event)[0] ?? [];
  switch (kind) {
    case 'httpApi': {
      if (spec === '*') return [{ kind: 'http', method: '*', path: '*' }];
      const { method = '*', path: routePath } = spec as { method?: string; path: string };
      return [{ kind: 'http', method: method.toUpperCase(), path: routePath }];
    }
    case 'sqs': {
      const sqs = (typeof spec === 'string' ? { arn: spec } : spec) as Record<string, unknown>;
      return [
        {
          kind: 'sqs',
          queueArn: String(sqs.arn),
          batchSize: Number(sqs.batchSize ?? 10),
          maximumBatchingWindowSeconds: Number(sqs.maximumBatchingWindow ?? 0),
          reportBatchItemFailures: sqs.functionResponseType === 'ReportBatchItemFailures',
          maximumConcurrency: Number(sqs.maximumConcurrency ?? 5),
        },
      ];
    }
    case 'schedule': {
      const schedule = (typeof spec === 'string' ? { rate: spec } : spec) as { rate: string | string[]; enabled?: boolean };
      const rates = Array.isArray(schedule.rate) ? schedule.rate : [schedule.rate];
      return rates.map((expression) => ({ kind: 'schedule', expression, enabled: schedule.enabled !== false }));
    }
    default:
      throw new WiringError(`${where}: event "${kind}" is not run locally (supported: httpApi, sqs, schedule)`);
  }
}

function stringValues(environment: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}
