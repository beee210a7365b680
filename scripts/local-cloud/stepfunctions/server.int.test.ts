import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type DescribeExecutionOutput,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cognitiveChainDefinition,
  DEDUPE_FUNCTION_ARN,
  dedupeFinds,
  gate,
  recordingBus,
  scriptedLambdas,
  ticketCreatedEvent,
  TRIAGE_FUNCTION_ARN,
  triageAnswers,
} from './cognitive-chain.fixture';
import { LocalStepFunctions } from './engine';
import { startLocalStepFunctions, type LocalStepFunctionsServer } from './server';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let engine: LocalStepFunctions;
let server: LocalStepFunctionsServer;
let client: SFNClient;
let bus: ReturnType<typeof recordingBus>;
const hold = { current: gate() };

beforeEach(async () => {
  hold.current = gate();
  bus = recordingBus();
  const lambdas = scriptedLambdas({
    [DEDUPE_FUNCTION_ARN]: [
      (payload) =>
        (payload as { subject: string }).subject === 'TCK-HELD' ? hold.current.wait().then(dedupeFinds(0.1)) : dedupeFinds(0.1)(),
    ],
    [TRIAGE_FUNCTION_ARN]: [triageAnswers],
  });
  engine = new LocalStepFunctions({ lambdaInvoker: lambdas.invoke, putEvents: bus.putEvents, retryIntervalScale: 0.01 });
  server = await startLocalStepFunctions({ engine });
  client = new SFNClient({ region: 'us-east-1', endpoint: server.endpoint, credentials });
});

afterEach(async () => {
  hold.current.open();
  client.destroy();
  await server.stop();
  await engine.close();
});

async function createChain(): Promise<string> {
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({
      name: 'cognitive-chain',
      definition: JSON.stringify(cognitiveChainDefinition),
      roleArn: 'arn:aws:iam::000000000000:role/workflow',
    }),
  );
  return stateMachineArn!;
}

async function settled(executionArn: string): Promise<DescribeExecutionOutput> {
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the local Step Functions endpoint, through @aws-sdk/client-sfn', () => {
  it('creates, describes and lists state machines', async () => {
    const stateMachineArn = await createChain();

    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(described).toMatchObject({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:cognitive-chain',
      name: 'cognitive-chain',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: 'arn:aws:iam::000000000000:role/workflow',
      definition: JSON.stringify(cognitiveChainDefinition),
    });
    expect(described.creationDate).toBeInstanceOf(Date);
    const listed = await client.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines).toEqual([
      { stateMachineArn, name: 'cognitive-chain', type: 'STANDARD', creationDate: described.creationDate },
    ]);

    const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const { updateDate } = await client.send(new UpdateStateMachineCommand({ stateMachineArn, definition }));
    expect(updateDate).toBeInstanceOf(Date);
    expect(await client.send(new DescribeStateMachineCommand({ stateMachineArn }))).toMatchObject({ definition });
  });

  it('runs an execution and reports its status, output, history and listing', async () => {
    const stateMachineArn = await createChain();
    const input = JSON.stringify(ticketCreatedEvent('TCK-1'));

    const started = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'TCK-1', input }));
    expect(started.startDate).toBeInstanceOf(Date);
    const execution = await settled(started.executionArn!);

    expect(execution).toMatchObject({ executionArn: started.executionArn, stateMachineArn, name: 'TCK-1', status: 'SUCCEEDED', input });
    expect(execution.startDate).toEqual(started.startDate);
    expect(execution.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(execution.output!)).toMatchObject({ triage: triageAnswers() });
    expect(bus.detailTypes()).toEqual(['ticket.triaged.v1']);

    const history = await client.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true, maxResults: 2 }),
    );
    expect(history.events).toEqual([
      expect.objectContaining({ id: 19, previousEventId: 18, type: 'ExecutionSucceeded', timestamp: execution.stopDate }),
      expect.objectContaining({ id: 18, previousEventId: 17, type: 'TaskStateExited', timestamp: expect.any(Date) as unknown }),
    ]);
    expect(history.events![0]!.executionSucceededEventDetails).toEqual({ output: execution.output, outputDetails: { truncated: false } });
    const rest = await client.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true, nextToken: history.nextToken }),
    );
    expect(rest.events!.map((event) => event.id)).toEqual([17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(rest.nextToken).toBeUndefined();

    const succeeded = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions).toEqual([
      {
        executionArn: started.executionArn,
        stateMachineArn,
        name: 'TCK-1',
        status: 'SUCCEEDED',
        startDate: started.startDate,
        stopDate: execution.stopDate,
      },
    ]);
    expect((await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }))).executions).toEqual([]);
  });

  it('stops a running execution', async () => {
    const stateMachineArn = await createChain();
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(ticketCreatedEvent('TCK-HELD')) }),
    );

    const { stopDate } = await client.send(new StopExecutionCommand({ executionArn, error: 'Cogdesk.Cancelled', cause: 'ticket deleted' }));

    expect(stopDate).toBeInstanceOf(Date);
    expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      status: 'ABORTED',
      error: 'Cogdesk.Cancelled',
      cause: 'ticket deleted',
      stopDate,
    });
  });

  it('is found through AWS_ENDPOINT_URL_SFN, as deployed code finds it', async () => {
    const previous = process.env.AWS_ENDPOINT_URL_SFN;
    process.env.AWS_ENDPOINT_URL_SFN = server.endpoint;
    const fromEnvironment = new SFNClient({ region: 'us-east-1', credentials });
    try {
      const stateMachineArn = await createChain();
      const { stateMachines } = await fromEnvironment.send(new ListStateMachinesCommand({}));
      expect(stateMachines?.map((machine) => machine.stateMachineArn)).toEqual([stateMachineArn]);
    } finally {
      fromEnvironment.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
      else process.env.AWS_ENDPOINT_URL_SFN = previous;
    }
  });
});

describe('the local Step Functions endpoint errors', () => {
  const rejection = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => expect.unreachable('expected the call to fail'),
      (reason: unknown) => reason,
    )) as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
  };

  it('answers with the modelled AWS errors the SDK turns into exception classes', async () => {
    const stateMachineArn = await createChain();
    const unknownExecution = 'arn:aws:states:us-east-1:000000000000:execution:cognitive-chain:nope';
    const input = JSON.stringify(ticketCreatedEvent('TCK-HELD'));
    await client.send(new StartExecutionCommand({ stateMachineArn, name: 'TCK-HELD', input }));

    const describeUnknown = client.send(new DescribeExecutionCommand({ executionArn: unknownExecution }));
    await expect(describeUnknown).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    expect(await rejection(describeUnknown)).toEqual({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${unknownExecution}'`,
      status: 400,
    });

    const cases: [Promise<unknown>, string][] = [
      [client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })), 'InvalidArn'],
      [client.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}-gone` })), 'StateMachineDoesNotExist'],
      [client.send(new StartExecutionCommand({ stateMachineArn, input: '{ nope' })), 'InvalidExecutionInput'],
      [client.send(new StartExecutionCommand({ stateMachineArn, name: 'TCK-HELD', input: '{}' })), 'ExecutionAlreadyExists'],
      [
        client.send(
          new CreateStateMachineCommand({
            name: 'broken',
            definition: '{"StartAt":"X","States":{}}',
            roleArn: 'arn:aws:iam::000000000000:role/r',
          }),
        ),
        'InvalidDefinition',
      ],
      [
        client.send(
          new CreateStateMachineCommand({
            name: 'bad name',
            definition: JSON.stringify(cognitiveChainDefinition),
            roleArn: 'arn:aws:iam::000000000000:role/r',
          }),
        ),
        'InvalidName',
      ],
      [
        client.send(new GetExecutionHistoryCommand({ executionArn: unknownExecution.replace('nope', 'TCK-HELD'), nextToken: 'bm9wZQ' })),
        'InvalidToken',
      ],
      [client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'NOPE' as never })), 'ValidationException'],
    ];
    for (const [call, name] of cases) {
      expect(await rejection(call)).toMatchObject({ name, status: 400 });
    }
  });

  it('answers requests outside the protocol with the generic AWS JSON errors', async () => {
    const post = (target: string, body: string) =>
      fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }, body });

    const unknown = await post('AWSStepFunctions.DeleteEverything', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

    const malformed = await post('AWSStepFunctions.ListStateMachines', '{ not json');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ __type: 'SerializationException' });

    const missing = await post('AWSStepFunctions.DescribeExecution', '{}');
    expect(await missing.json()).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
    });
  });
});
