// aws-local-stepfunctions exports its classes but not the types of what run() produces; derive them here.
import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';

export type TaskLocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
export type JsonValue = Parameters<TaskLocalHandlers[string]>[0];
export type ExecutionEventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type StateType = Extract<ExecutionEventLog, { type: 'StateEntered' }>['state']['type'];
