import { describe, expect, it } from 'vitest';
import { checkTemplate, type Template } from './template-checks';

const queueWithDeadLetters: Template['Resources'] = {
  Queue: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 5 } } },
  Dlq: { Type: 'AWS::SQS::Queue', Properties: {} },
  DlqAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Dlq', 'QueueName'] } }] } },
};

describe('checkTemplate', () => {
  it('accepts a queue with an alarmed dead-letter queue and a traced function', () => {
    expect(
      checkTemplate({
        Resources: { ...queueWithDeadLetters, Fn: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'Active' } } } },
      }),
    ).toEqual([]);
  });

  it('names a queue without a dead-letter queue', () => {
    expect(checkTemplate({ Resources: { Lonely: { Type: 'AWS::SQS::Queue', Properties: {} } } })).toEqual([
      'Lonely: queue has no RedrivePolicy (dead-letter queue)',
    ]);
  });

  it('names a dead-letter queue nobody watches', () => {
    const { DlqAlarm: _alarm, ...unwatched } = queueWithDeadLetters;
    expect(checkTemplate({ Resources: unwatched })).toEqual([expect.stringMatching(/^Dlq: a dead-letter queue without an alarm/)]);
  });

  it('names an untraced function and an all-powerful role', () => {
    expect(
      checkTemplate({
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
          Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] } },
        },
      }),
    ).toEqual(['Fn: tracing is not Active', 'Role: grants every action on every resource']);
  });
});
