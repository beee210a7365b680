import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadWiring, normalizeName } from './wiring';

const root = path.resolve(import.meta.dirname, '../../..');
const probeDir = path.resolve(import.meta.dirname, '../test-fixtures/probe-service');
const options = {
  stage: 'local',
  region: 'us-east-1',
  accountId: '000000000000',
  queueUrlBase: 'http://sqs.us-east-1.localhost:9324',
  env: {},
};

describe('loadWiring', () => {
  it('reads queues, rules, tables and functions with every reference resolved', async () => {
    const wiring = await loadWiring({ ...options, serviceDirs: [root, probeDir] });

    expect(wiring.buses).toEqual(['cogdesk-local']);
    expect(wiring.queues).toContainEqual({
      name: 'cogdesk-local-probe',
      arn: 'arn:aws:sqs:us-east-1:000000000000:cogdesk-local-probe',
      url: 'http://sqs.us-east-1.localhost:9324/000000000000/cogdesk-local-probe',
      attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:cogdesk-local-probe-dlq',
          maxReceiveCount: '2',
        }),
      },
    });
    expect(wiring.rules).toContainEqual({
      name: 'cogdesk-probe-local-ProbeRule',
      eventBusName: 'cogdesk-local',
      pattern: { 'detail-type': [{ prefix: 'ticket.' }], detail: { subject: [{ prefix: 'probe-' }] } },
      enabled: true,
      targets: [{ id: 'probe', arn: 'arn:aws:sqs:us-east-1:000000000000:cogdesk-local-probe' }],
    });
    expect(wiring.tables.map((table) => table.name)).toContain('cogdesk-local-probe');
    expect(wiring.topics).toContainEqual({
      name: 'cogdesk-local-alerts',
      arn: 'arn:aws:sns:us-east-1:000000000000:cogdesk-local-alerts',
    });

    const consume = wiring.functions.find((fn) => fn.key === 'consume');
    expect(consume).toMatchObject({
      name: 'cogdesk-probe-local-consume',
      modulePath: path.join(probeDir, 'src/probe.ts'),
      exportName: 'consume',
      timeoutSeconds: 1,
      environment: {
        PROBE_BUS_NAME: 'cogdesk-local',
        PROBE_QUEUE_URL: 'http://sqs.us-east-1.localhost:9324/000000000000/cogdesk-local-probe',
      },
      triggers: [
        {
          kind: 'sqs',
          queueArn: 'arn:aws:sqs:us-east-1:000000000000:cogdesk-local-probe',
          batchSize: 10,
          maximumBatchingWindowSeconds: 0,
          reportBatchItemFailures: true,
          maximumConcurrency: 5,
        },
      ],
    });
    expect(wiring.functions.find((fn) => fn.key === 'tick')?.triggers).toEqual([
      { kind: 'schedule', expression: 'rate(1 minute)', enabled: true },
    ]);
    expect(wiring.functions.find((fn) => fn.key === 'http')?.triggers).toEqual([
      { kind: 'http', method: 'GET', path: '/api/probe/{name}' },
      { kind: 'http', method: 'POST', path: '/api/probe/{name}' },
    ]);
  });

  it('wires every service queue to a rule on the platform bus', async () => {
    const services = ['tickets', 'dedupe', 'triage', 'analytics', 'escalation'];
    const wiring = await loadWiring({
      ...options,
      serviceDirs: [root, ...services.map((name) => path.join(root, 'services', name))],
    });
    for (const service of services) {
      const queue = wiring.queues.find((q) => q.name === `cogdesk-local-${service}-events`);
      expect(queue, service).toBeDefined();
      const rule = wiring.rules.find((r) => r.targets.some((t) => t.arn === queue!.arn));
      expect(rule?.eventBusName, service).toBe('cogdesk-local');
    }
  });

  it('refuses a variable that would need an AWS account to package', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'wiring-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'serverless.yml'), 'service: x\nprovider:\n  environment:\n    A: ${ssm:/secret}\n');
    await expect(loadWiring({ ...options, serviceDirs: [dir] })).rejects.toThrow(/ssm:\/secret.*not supported/);
  });

  it('normalises names the way serverless builds logical ids', () => {
    expect(normalizeName('find-duplicates')).toBe('FindDashduplicates');
    expect(normalizeName('outbox_relay')).toBe('OutboxUnderscorerelay');
  });
});

describe('loadWiring checks', () => {
  it('refuses a queue that would redeliver while its consumer still runs, as AWS does', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'wiring-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      path.join(dir, 'serverless.yml'),
      [
        'service: x',
        'functions:',
        '  consume:',
        '    handler: src/x.handler',
        '    timeout: 30',
        '    events:',
        '      - sqs: { arn: { Fn::GetAtt: [Q, Arn] } }',
        'resources:',
        '  Resources:',
        '    Q: { Type: AWS::SQS::Queue, Properties: { QueueName: q, VisibilityTimeout: 10 } }',
      ].join('\n'),
    );
    await expect(loadWiring({ ...options, serviceDirs: [dir] })).rejects.toThrow(/visibility timeout 10 s is less than the function timeout 30 s/);
  });
});
