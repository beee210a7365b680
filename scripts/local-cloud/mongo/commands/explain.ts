import { performance } from 'node:perf_hooks';
import { describeValue, isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import { executeQuery } from '../executor';
import type { QueryExecution } from '../executor';
import type { IndexField } from '../indexes';
import type { Interval, Plan } from '../planner';
import { commandName, docArray, optionalDoc } from './args';
import { aggregateTarget, pipelineResults, startPipeline } from './aggregate';
import { parseSort } from './context';
import type { CommandContext, CommandTable } from './context';
import { parseFind } from './query';

interface PlanShape {
  readonly namespace: string;
  readonly filter: Doc;
  readonly sort: readonly IndexField[];
  readonly skip: number;
  readonly limit: number;
  readonly projection: Doc | undefined;
}

/** Bounds as mongod prints them: intervals in walk order, e.g. `["open", "open"]` or `(5, MaxKey]`. */
function describeIntervals(intervals: readonly Interval[], walksDescending: boolean): string[] {
  const ordered = walksDescending ? [...intervals].reverse() : intervals;
  return ordered.map((interval) => {
    const [from, to, fromInclusive, toInclusive] = walksDescending
      ? [interval.high, interval.low, interval.highInclusive, interval.lowInclusive]
      : [interval.low, interval.high, interval.lowInclusive, interval.highInclusive];
    return `${fromInclusive ? '[' : '('}${describeValue(from)}, ${describeValue(to)}${toInclusive ? ']' : ')'}`;
  });
}

/** The plan as a tree of mongod's classic-engine stages (IXSCAN/COLLSCAN → FETCH → SORT → SKIP → LIMIT → PROJECTION). */
function planTree(plan: Plan, shape: PlanShape, blockingSort: boolean): Doc {
  const filter = Object.keys(shape.filter).length > 0 ? { filter: shape.filter } : {};
  let stage: Doc;
  if (plan.kind === 'collscan') {
    stage = { stage: 'COLLSCAN', ...filter, direction: 'forward' };
  } else {
    const keyPattern = Object.fromEntries(plan.index.fields.map((field) => [field.path, field.direction]));
    const indexBounds = Object.fromEntries(
      plan.index.fields.map((field, i) => [field.path, describeIntervals(plan.bounds[i]!, field.direction * plan.direction < 0)]),
    );
    stage = {
      stage: 'IXSCAN',
      keyPattern,
      indexName: plan.index.name,
      isMultiKey: plan.index.multikeyFields.includes(true),
      multiKeyPaths: Object.fromEntries(plan.index.fields.map((field, i) => [field.path, plan.index.multikeyFields[i] ? [field.path] : []])),
      isUnique: plan.index.unique,
      isSparse: plan.index.sparse,
      isPartial: plan.index.partialFilterExpression !== undefined,
      direction: plan.direction === 1 ? 'forward' : 'backward',
      indexBounds,
    };
    if (plan.mergePrefix > 0) stage = { stage: 'SORT_MERGE', sortPattern: sortPattern(shape.sort), inputStages: [stage] };
    stage = { stage: 'FETCH', ...filter, inputStage: stage };
  }
  if (blockingSort) {
    stage = { stage: 'SORT', sortPattern: sortPattern(shape.sort), type: 'simple', ...(shape.limit ? { limitAmount: shape.skip + shape.limit } : {}), inputStage: stage };
  }
  if (shape.skip) stage = { stage: 'SKIP', skipAmount: shape.skip, inputStage: stage };
  if (shape.limit) stage = { stage: 'LIMIT', limitAmount: shape.limit, inputStage: stage };
  if (shape.projection) stage = { stage: 'PROJECTION_DEFAULT', transformBy: shape.projection, inputStage: stage };
  return stage;
}

function sortPattern(sort: readonly IndexField[]): Doc {
  return Object.fromEntries(sort.map((field) => [field.path, field.direction]));
}

/** Runs the query to the end (as mongod's executionStats verbosity does) and reports its work. */
function explainSections(execution: QueryExecution, results: Iterator<Doc>, shape: PlanShape, verbosity: string): Doc {
  const winningPlan = planTree(execution.plan, shape, execution.blockingSort);
  const queryPlanner = { namespace: shape.namespace, parsedQuery: shape.filter, indexFilterSet: false, winningPlan, rejectedPlans: [] };
  if (verbosity === 'queryPlanner') return { queryPlanner };
  const started = performance.now();
  let nReturned = 0;
  while (!results.next().done) nReturned++;
  return {
    queryPlanner,
    executionStats: {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: Math.round(performance.now() - started),
      totalKeysExamined: execution.stats.keysExamined,
      totalDocsExamined: execution.stats.docsExamined,
      executionStages: { ...winningPlan, nReturned },
    },
  };
}

function explainFind(inner: Doc, ctx: CommandContext, verbosity: string): Doc {
  const spec = parseFind(inner);
  const execution = executeQuery(ctx.catalog.collection(ctx.db, spec.collection), spec);
  const shape = { namespace: `${ctx.db}.${spec.collection}`, filter: spec.filter, sort: spec.sort, skip: spec.skip, limit: spec.limit, projection: spec.projection };
  return explainSections(execution, execution.docs, shape, verbosity);
}

function explainAggregate(inner: Doc, ctx: CommandContext, verbosity: string): Doc {
  const collection = aggregateTarget(inner);
  const pipeline = docArray(inner, 'pipeline');
  const started = startPipeline(pipeline, ctx, collection, inner.hint);
  const pushedDown = pipeline.slice(0, pipeline.length - started.rest.length);
  const value = (name: string): unknown => pushedDown.find((stage) => name in stage)?.[name];
  const shape: PlanShape = {
    namespace: `${ctx.db}.${collection}`,
    filter: isPlainObject(value('$match')) ? (value('$match') as Doc) : {},
    sort: parseSort(isPlainObject(value('$sort')) ? (value('$sort') as Doc) : undefined),
    skip: typeof value('$skip') === 'number' ? (value('$skip') as number) : 0,
    limit: typeof value('$limit') === 'number' ? (value('$limit') as number) : 0,
    projection: undefined,
  };
  const sections = explainSections(started.execution, pipelineResults(started, ctx), shape, verbosity);
  if (started.rest.length === 0) return sections;
  return { stages: [{ $cursor: sections }, ...started.rest], ...sections };
}

function explain(cmd: Doc, ctx: CommandContext): Doc {
  const inner = optionalDoc(cmd, 'explain');
  if (!inner) throw new MongoCommandError('FailedToParse', 'explain requires a command document');
  const verbosity = typeof cmd.verbosity === 'string' ? cmd.verbosity : 'allPlansExecution';
  const name = commandName(inner);
  let sections: Doc;
  if (name === 'find') sections = explainFind(inner, ctx, verbosity);
  else if (name === 'aggregate') sections = explainAggregate(inner, ctx, verbosity);
  else throw new MongoCommandError('CommandNotSupported', `explain of '${name}' is not supported by the embedded server`);
  return {
    explainVersion: '1',
    ...sections,
    command: inner,
    serverInfo: { host: ctx.server.host, port: ctx.server.port, version: '7.0.0', gitVersion: 'cogdesk-embedded' },
    ok: 1,
  };
}

export const explainCommands: CommandTable = { explain };
