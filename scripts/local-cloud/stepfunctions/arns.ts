import { StepFunctionsError } from './errors';

export interface ArnScope {
  region: string;
  accountId: string;
}

export const stateMachineArn = (scope: ArnScope, name: string): string =>
  `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;

export const executionArn = (scope: ArnScope, stateMachineName: string, name: string): string =>
  `arn:aws:states:${scope.region}:${scope.accountId}:execution:${stateMachineName}:${name}`;

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;

export function assertStateMachineArn(arn: string): void {
  if (!STATE_MACHINE_ARN.test(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
}

export function assertExecutionArn(arn: string): void {
  if (!EXECUTION_ARN.test(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
}

// AWS naming rules for state machines and executions: 1..80 characters, no whitespace, brackets, wildcards,
// the punctuation below or control characters. They also keep names safe as file names.
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u;

export function assertValidName(name: string): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
  }
}
