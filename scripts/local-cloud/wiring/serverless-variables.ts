/**
 * Resolves the Serverless Framework variables our serverless.yml files use, the way `serverless package`
 * does, so the local cloud reads exactly what is deployed. Only sources that need no AWS account are
 * allowed: a file that needs `${ssm:...}` or `${cf:...}` could not be packaged offline either.
 */
export interface VariableContext {
  stage: string;
  region: string;
  env: Record<string, string | undefined>;
}

export class UnsupportedVariableError extends Error {
  override name = 'UnsupportedVariableError';
}

// `${Foo}` / `${Foo.Arn}` / `${AWS::Region}` are CloudFormation Fn::Sub placeholders: left alone.
const VARIABLE = /\$\{((?:sls|opt|self|env|file|ssm|cf|s3|aws):[^}]*)\}/g;

export function resolveVariables<T>(document: T, context: VariableContext): T {
  const root = document as Record<string, unknown>;
  const resolveString = (text: string, depth: number): unknown => {
    if (depth > 10) throw new UnsupportedVariableError(`variables nest too deeply in "${text}"`);
    const whole = /^\$\{([^}]*)\}$/.exec(text);
    if (whole && VARIABLE.test(text)) {
      VARIABLE.lastIndex = 0;
      return resolveExpression(whole[1]!, depth);
    }
    VARIABLE.lastIndex = 0;
    return text.replace(VARIABLE, (_match, expression: string) => String(resolveExpression(expression, depth)));
  };
  const resolveExpression = (expression: string, depth: number): unknown => {
    const [reference, ...fallbacks] = splitFallbacks(expression);
    const value = lookup(reference!.trim());
    if (value !== undefined) return typeof value === 'string' ? resolveString(value, depth + 1) : value;
    for (const fallback of fallbacks) {
      const literal = /^\s*['"](.*)['"]\s*$/.exec(fallback);
      if (literal) return literal[1];
      const nested = lookup(fallback.trim());
      if (nested !== undefined) return nested;
    }
    throw new UnsupportedVariableError(`\${${expression}} has no value and no default`);
  };
  const lookup = (reference: string): unknown => {
    const [source, ...rest] = reference.split(':');
    const key = rest.join(':');
    switch (source) {
      case 'sls':
        if (key === 'stage') return context.stage;
        break;
      case 'opt':
        if (key === 'stage') return context.stage;
        if (key === 'region') return context.region;
        return undefined;
      case 'env':
        return context.env[key];
      case 'self':
        return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
      default:
        break;
    }
    throw new UnsupportedVariableError(
      `\${${reference}} is not supported: serverless.yml must package offline (use Fn::ImportValue or a {{resolve:...}} dynamic reference instead)`,
    );
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return resolveString(node, 0);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
    }
    return node;
  };
  return walk(document) as T;
}

/** `opt:stage, 'dev'` → [`opt:stage`, `'dev'`], ignoring commas inside quotes. */
function splitFallbacks(expression: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const char of expression) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ',') {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}
