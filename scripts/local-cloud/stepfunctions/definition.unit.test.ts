import { describe, expect, it } from 'vitest';
import { cognitiveChainDefinition, DEDUPE_FUNCTION_ARN, TRIAGE_FUNCTION_ARN } from './cognitive-chain.fixture';
import { compileDefinition } from './definition';
import { StepFunctionsError } from './errors';

const compile = (definition: unknown) =>
  compileDefinition(typeof definition === 'string' ? definition : JSON.stringify(definition), { retryIntervalScale: 1 });

const invalidDefinition = (message: RegExp) =>
  expect.objectContaining({ code: 'InvalidDefinition', message: expect.stringMatching(message) as unknown }) as Error;

describe('compileDefinition', () => {
  it('classifies every Task state by the resource it calls, nested states included', () => {
    const { tasks } = compile({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            cognitiveChainDefinition,
            { StartAt: 'Direct', States: { Direct: { Type: 'Task', Resource: DEDUPE_FUNCTION_ARN, TimeoutSeconds: 30, End: true } } },
          ],
          End: true,
        },
      },
    });

    expect(Object.fromEntries(tasks)).toEqual({
      FindDuplicates: { resource: { kind: 'lambdaInvoke', resourceType: 'lambda', resource: 'invoke' } },
      Triage: { resource: { kind: 'lambdaFunction', functionArn: TRIAGE_FUNCTION_ARN } },
      PublishDuplicateDetected: { resource: { kind: 'putEvents', resourceType: 'events', resource: 'putEvents' } },
      PublishTriaged: { resource: { kind: 'putEvents', resourceType: 'events', resource: 'putEvents' } },
      PublishTriageFailed: { resource: { kind: 'putEvents', resourceType: 'events', resource: 'putEvents' } },
      Direct: { resource: { kind: 'lambdaFunction', functionArn: DEDUPE_FUNCTION_ARN }, timeoutSeconds: 30 },
    });
  });

  it('rejects text that is not JSON', () => {
    expect(() => compile('{ "StartAt": ')).toThrow(invalidDefinition(/Invalid State Machine Definition/));
  });

  it('rejects a definition the States Language does not allow, with the validator’s reason', () => {
    const definition = { StartAt: 'Missing', States: { Only: { Type: 'Pass', End: true } } };
    expect(() => compile(definition)).toThrow(StepFunctionsError);
    expect(() => compile(definition)).toThrow(invalidDefinition(/Missing/));
  });

  it('rejects Task resources the local runtime cannot run, naming the state', () => {
    const definition = { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } };
    expect(() => compile(definition)).toThrow(invalidDefinition(/'Send' uses resource 'arn:aws:states:::sqs:sendMessage'/));
  });

  it('requires FunctionName for lambda:invoke and Entries for events:putEvents', () => {
    const task = (Resource: string) => ({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource, Parameters: { Payload: {} }, End: true } },
    });
    expect(() => compile(task('arn:aws:states:::lambda:invoke'))).toThrow(invalidDefinition(/'FunctionName' is required/));
    expect(() => compile(task('arn:aws:states:::events:putEvents'))).toThrow(invalidDefinition(/'Entries' is required/));
  });
});
