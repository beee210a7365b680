/** The AWS Step Functions API errors this local endpoint returns; `code` is the wire `__type`. */
export type StepFunctionsErrorCode =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidToken'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'ValidationException';

export class StepFunctionsError extends Error {
  constructor(
    readonly code: StepFunctionsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
