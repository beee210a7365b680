/**
 * Just enough of CloudFormation's intrinsic functions to run our own templates locally: Ref, Fn::GetAtt,
 * Fn::ImportValue (across our stacks), Fn::Sub and Fn::Join, with AWS's physical names and ARN formats.
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CfnStack {
  /** CloudFormation stack name, `<service>-<stage>`. */
  name: string;
  resources: Record<string, CfnResource>;
  outputs: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  /** Serverless functions of the stack by key, for GetAtt on `<Key>LambdaFunction` or the bare key. */
  functionNames: Record<string, string>;
  /** serverless-step-functions state machines by logical id and by key. */
  stateMachineNames: Record<string, string>;
}

export interface CfnEnvironment {
  region: string;
  accountId: string;
  /** What queue URLs start with, e.g. `https://sqs.us-east-1.amazonaws.com`. */
  queueUrlBase: string;
}

export class UnresolvableReferenceError extends Error {
  override name = 'UnresolvableReferenceError';
}

export class CloudFormationResolver {
  constructor(
    private readonly stacks: CfnStack[],
    private readonly env: CfnEnvironment,
  ) {}

  /** Deeply resolves intrinsics in `value` as CloudFormation would within `stack`. */
  resolve(stack: CfnStack, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(stack, item));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0]!;
      switch (key) {
        case 'Ref':
          return this.ref(stack, String(argument));
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
          return this.getAtt(stack, String(logicalId), String(attribute));
        }
        case 'Fn::ImportValue':
          return this.importValue(String(this.resolve(stack, argument)));
        case 'Fn::Sub':
          return this.sub(stack, argument);
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return (this.resolve(stack, parts) as unknown[]).join(separator);
        }
        default:
          break;
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(stack, item)]));
  }

  ref(stack: CfnStack, logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.accountId,
      'AWS::StackName': stack.name,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (pseudo[logicalId]) return pseudo[logicalId];
    const functionName = this.functionName(stack, logicalId);
    if (functionName) return functionName;
    const stateMachine = stack.stateMachineNames[logicalId];
    if (stateMachine) return this.arn('states', `stateMachine:${stateMachine}`);
    const resource = this.resource(stack, logicalId);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `${this.env.queueUrlBase}/${this.env.accountId}/${this.physicalName(stack, logicalId)}`;
      case 'AWS::SNS::Topic':
        return this.arn('sns', this.physicalName(stack, logicalId));
      default:
        return this.physicalName(stack, logicalId);
    }
  }

  getAtt(stack: CfnStack, logicalId: string, attribute: string): string {
    const functionName = this.functionName(stack, logicalId);
    if (functionName && attribute === 'Arn') return this.arn('lambda', `function:${functionName}`);
    const resource = this.resource(stack, logicalId);
    const name = this.physicalName(stack, logicalId);
    const arnPrefix: Record<string, [string, string]> = {
      'AWS::SQS::Queue': ['sqs', ''],
      'AWS::SNS::Topic': ['sns', ''],
      'AWS::Events::EventBus': ['events', 'event-bus/'],
      'AWS::Events::Rule': ['events', 'rule/'],
      'AWS::DynamoDB::Table': ['dynamodb', 'table/'],
    };
    if (attribute === 'Arn' && arnPrefix[resource.Type]) {
      const [service, prefix] = arnPrefix[resource.Type]!;
      return this.arn(service, `${prefix}${name}`);
    }
    if (['QueueName', 'TopicName', 'Name'].includes(attribute)) return name;
    if (attribute === 'QueueUrl') return this.ref(stack, logicalId);
    throw new UnresolvableReferenceError(`Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not supported locally`);
  }

  importValue(exportName: string): unknown {
    for (const stack of this.stacks) {
      for (const output of Object.values(stack.outputs)) {
        if (output.Export && this.resolve(stack, output.Export.Name) === exportName) {
          return this.resolve(stack, output.Value);
        }
      }
    }
    throw new UnresolvableReferenceError(`no stack exports "${exportName}"`);
  }

  /** AWS's physical name: the name property when the template sets one, else `<stack>-<LogicalId>`. */
  physicalName(stack: CfnStack, logicalId: string): string {
    const properties = this.resource(stack, logicalId).Properties ?? {};
    for (const key of ['QueueName', 'TopicName', 'TableName', 'Name', 'BucketName', 'ArchiveName']) {
      if (properties[key] !== undefined) return String(this.resolve(stack, properties[key]));
    }
    return `${stack.name}-${logicalId}`;
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.env.region}:${this.env.accountId}:${resource}`;
  }

  private sub(stack: CfnStack, argument: unknown): string {
    const [template, variables] = Array.isArray(argument)
      ? (argument as [string, Record<string, unknown>])
      : [String(argument), {}];
    return template.replace(/\$\{([^}!]+)\}/g, (_match, reference: string) => {
      if (variables[reference] !== undefined) return String(this.resolve(stack, variables[reference]));
      const [logicalId, attribute] = reference.split('.');
      return attribute ? this.getAtt(stack, logicalId!, attribute) : this.ref(stack, logicalId!);
    });
  }

  private functionName(stack: CfnStack, logicalId: string): string | undefined {
    return stack.functionNames[logicalId] ?? stack.functionNames[logicalId.replace(/LambdaFunction$/, '')];
  }

  private resource(stack: CfnStack, logicalId: string): CfnResource {
    const resource = stack.resources[logicalId];
    if (!resource) throw new UnresolvableReferenceError(`${stack.name} has no resource "${logicalId}"`);
    return resource;
  }
}
