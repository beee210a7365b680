/**
 * What every packaged CloudFormation template must satisfy before it may be deployed: queues that consume
 * events have a dead-letter queue and an alarm on it, functions are traced, no IAM statement grants `*`
 * actions on `*` resources.
 */
export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export function checkTemplate(template: Template): string[] {
  const problems: string[] = [];
  const resources = Object.entries(template.Resources ?? {});
  const deadLetterIds = new Set(
    resources.flatMap(([, resource]) => {
      const target = (resource.Properties?.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string, string] } } | undefined)
        ?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
      return target ? [target] : [];
    }),
  );
  const alarmedQueues = new Set(
    resources.flatMap(([, resource]) => {
      if (resource.Type !== 'AWS::CloudWatch::Alarm') return [];
      const dimensions = (resource.Properties?.Dimensions as { Value?: { 'Fn::GetAtt'?: [string, string] } }[] | undefined) ?? [];
      return dimensions.flatMap((dimension) => (dimension.Value?.['Fn::GetAtt'] ? [dimension.Value['Fn::GetAtt'][0]] : []));
    }),
  );

  for (const [id, resource] of resources) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        if (deadLetterIds.has(id)) {
          if (!alarmedQueues.has(id)) problems.push(`${id}: a dead-letter queue without an alarm is where events go to be forgotten`);
        } else if (!properties.RedrivePolicy) {
          problems.push(`${id}: queue has no RedrivePolicy (dead-letter queue)`);
        }
        break;
      case 'AWS::Lambda::Function':
        if ((properties.TracingConfig as { Mode?: string } | undefined)?.Mode !== 'Active') problems.push(`${id}: tracing is not Active`);
        break;
      case 'AWS::IAM::Role':
        for (const statement of iamStatements(properties)) {
          const actions = [statement.Action].flat();
          const targets = [statement.Resource].flat();
          if (statement.Effect === 'Allow' && actions.includes('*') && targets.includes('*')) {
            problems.push(`${id}: grants every action on every resource`);
          }
        }
        break;
      default:
        break;
    }
  }
  return problems;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

function iamStatements(properties: Record<string, unknown>): Statement[] {
  const policies = (properties.Policies as { PolicyDocument?: { Statement?: Statement[] } }[] | undefined) ?? [];
  return policies.flatMap((policy) => policy.PolicyDocument?.Statement ?? []);
}
