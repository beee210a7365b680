/**
 * EventBridge event-pattern matching with the semantics of the AWS documentation
 * ("Event pattern syntax", "Comparison operators for use in event patterns", "Content filtering in
 * Amazon EventBridge event patterns", "Arrays in event patterns", "Matching null values and empty strings").
 *
 * A pattern is compiled once into closures, because routing runs it for every event on the bus.
 *
 * @example
 *   const isTicketCreated = compileEventPattern({ source: ['cogdesk.tickets'], 'detail-type': [{ prefix: 'ticket.created.' }] });
 *   isTicketCreated({ source: 'cogdesk.tickets', 'detail-type': 'ticket.created.v1', detail: {} }); // true
 */
import { BlockList, isIP } from 'node:net';

export type EventPattern = Readonly<Record<string, unknown>>;
export type CompiledEventPattern = (event: unknown) => boolean;

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';

  constructor(
    /** Dotted path of the offending pattern field; empty for the pattern as a whole. */
    readonly path: string,
    reason: string,
  ) {
    super(path ? `Event pattern is not valid at "${path}": ${reason}` : `Event pattern is not valid: ${reason}`);
  }
}

/** Compiles a pattern (object, or its JSON text as AWS APIs carry it); throws InvalidEventPatternError. */
export function compileEventPattern(pattern: EventPattern | string): CompiledEventPattern {
  const root: unknown = typeof pattern === 'string' ? parsePatternText(pattern) : pattern;
  if (!isObject(root)) fail('', 'it must be a JSON object');
  return compileObject(root, '', false);
}

export function assertValidEventPattern(pattern: EventPattern | string): void {
  compileEventPattern(pattern);
}

/** One-off match; prefer compileEventPattern when the same pattern meets many events. */
export function matchesEventPattern(pattern: EventPattern | string, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

type Leaf = string | number | boolean | null;
/** Matches a node of the event (an object, or anything else where the pattern expects one). */
type NodeMatcher = (node: unknown) => boolean;
/** Matches the leaf values found at one field; an empty list means the field is absent. */
type ValuesMatcher = (values: readonly Leaf[]) => boolean;
type LeafTest = (value: Leaf) => boolean;
type StringTest = (value: string) => boolean;

const OPERATORS = new Set([
  'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr',
]);

function compileObject(pattern: Record<string, unknown>, path: string, insideOr: boolean): NodeMatcher {
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(path, 'empty objects are not allowed');
  const fields = keys.map((key) => compileField(key, pattern[key], path, insideOr));
  return (node) => {
    for (const field of fields) if (!field(node)) return false;
    return true;
  };
}

function compileField(key: string, value: unknown, path: string, insideOr: boolean): NodeMatcher {
  // "$or" is not a field: its branches are alternative sets of fields of this same object.
  if (key === '$or') return compileOr(value, path);
  const fieldPath = path ? `${path}.${key}` : key;
  if (insideOr && OPERATORS.has(key)) {
    fail(fieldPath, `"${key}" is an operator name and cannot be a field name inside "$or"`);
  }
  if (Array.isArray(value)) {
    const matchValues = compileValues(value, fieldPath);
    return (node) => matchValues(leafValues(fieldOf(node, key)));
  }
  if (isObject(value)) {
    const matchChild = compileObject(value, fieldPath, insideOr);
    return (node) => matchNested(fieldOf(node, key), matchChild);
  }
  fail(fieldPath, 'must be an array of match values or a nested object');
}

function compileOr(value: unknown, path: string): NodeMatcher {
  const orPath = path ? `${path}.$or` : '$or';
  if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
    fail(orPath, '"$or" must be an array of at least two objects');
  }
  const branches = value.map((branch) => compileObject(branch, path, true));
  return (node) => branches.some((branch) => branch(node));
}

/** An event array stands for each of its elements ("Arrays in event patterns"); fields of one match must share an element. */
function matchNested(child: unknown, match: NodeMatcher): boolean {
  if (!Array.isArray(child)) return match(child);
  const nodes = child.flat(Infinity) as unknown[];
  return nodes.length === 0 ? match(undefined) : nodes.some(match);
}

function compileValues(values: readonly unknown[], path: string): ValuesMatcher {
  if (values.length === 0) fail(path, 'empty arrays are not allowed');
  const literals = new Set<Leaf>();
  const operators: ValuesMatcher[] = [];
  for (const value of values) {
    if (isLeaf(value)) literals.add(value);
    else if (isObject(value)) operators.push(compileOperator(value, path));
    else fail(path, 'match values must be strings, numbers, booleans, null or operator objects');
  }
  // Exact values sit in a Set: JSON strings, numbers (compared by value), booleans and null never coincide.
  return (found) => found.some((value) => literals.has(value)) || operators.some((match) => match(found));
}

function compileOperator(expression: Record<string, unknown>, path: string): ValuesMatcher {
  const [operator, ...others] = Object.keys(expression);
  if (operator === undefined || others.length > 0) {
    fail(path, 'an operator object must have exactly one key, e.g. { "prefix": "us-" }');
  }
  const argument = expression[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return anyValue(onStrings(compileAffix(operator, argument, path)));
    case 'equals-ignore-case':
    case 'wildcard':
      return anyValue(onStrings(compileStringTest(operator, argument, path)));
    case 'numeric':
      return anyValue(compileNumeric(argument, path));
    case 'cidr':
      return anyValue(compileCidr(argument, path));
    case 'anything-but': {
      const excluded = compileAnythingBut(argument, path);
      // Like every value operator it needs the field to be present.
      return (found) => found.some((value) => !excluded(value));
    }
    case 'exists':
      if (typeof argument !== 'boolean') fail(path, '"exists" must be true or false');
      // Only leaves count ("exists matching only works on leaf nodes"): an object or empty array is absent.
      return (found) => (found.length > 0) === argument;
    default:
      fail(path, `unknown operator "${operator}"`);
  }
}

/** prefix / suffix: a string, or { "equals-ignore-case": string }. */
function compileAffix(operator: 'prefix' | 'suffix', argument: unknown, path: string): StringTest {
  if (typeof argument === 'string') return stringTest(operator, argument);
  if (isObject(argument)) {
    const keys = Object.keys(argument);
    const folded = argument['equals-ignore-case'];
    if (keys.length === 1 && typeof folded === 'string') {
      const lower = folded.toLowerCase();
      return operator === 'prefix'
        ? (value) => value.toLowerCase().startsWith(lower)
        : (value) => value.toLowerCase().endsWith(lower);
    }
  }
  fail(path, `"${operator}" must be a string or { "equals-ignore-case": string }`);
}

type StringOperator = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

function compileStringTest(operator: StringOperator, argument: unknown, path: string): StringTest {
  if (typeof argument !== 'string') fail(path, `"${operator}" must be a string`);
  return operator === 'wildcard' ? compileWildcard(argument, path) : stringTest(operator, argument);
}

function stringTest(operator: Exclude<StringOperator, 'wildcard'>, text: string): StringTest {
  switch (operator) {
    case 'prefix':
      return (value) => value.startsWith(text);
    case 'suffix':
      return (value) => value.endsWith(text);
    case 'equals-ignore-case': {
      const lower = text.toLowerCase();
      return (value) => value.toLowerCase() === lower;
    }
  }
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function compileWildcard(text: string, path: string): StringTest {
  let source = '';
  let afterWildcard = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') {
      const escaped = text[i + 1];
      if (escaped !== '*' && escaped !== '\\') fail(path, 'in "wildcard" a backslash may only escape "*" or "\\"');
      source += `\\${escaped}`;
      afterWildcard = false;
      i++;
    } else if (char === '*') {
      if (afterWildcard) fail(path, '"wildcard" must not contain consecutive wildcard characters ("**")');
      source += '.*';
      afterWildcard = true;
    } else {
      source += char.replace(/[.+?^${}()|[\]]/, '\\$&');
      afterWildcard = false;
    }
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

/** Returns the test for the excluded values; the operator matches any present value it rejects. */
function compileAnythingBut(argument: unknown, path: string): LeafTest {
  if (typeof argument === 'string' || typeof argument === 'number') return (value) => value === argument;
  if (Array.isArray(argument)) {
    const onlyStrings = argument.every((v) => typeof v === 'string');
    const onlyNumbers = argument.every((v) => typeof v === 'number');
    if (argument.length === 0 || !(onlyStrings || onlyNumbers)) {
      fail(path, '"anything-but" lists must be non-empty and hold only strings or only numbers');
    }
    const excluded = new Set<Leaf>(argument as Leaf[]);
    return (value) => excluded.has(value);
  }
  if (isObject(argument)) {
    const [operator, ...others] = Object.keys(argument);
    if (others.length === 0 && isStringOperator(operator)) {
      const texts = stringsOf(argument[operator], `${path} (anything-but ${operator})`);
      if ((operator === 'prefix' || operator === 'suffix') && texts.includes('')) {
        fail(path, `"anything-but" ${operator} must not be empty`);
      }
      const tests = texts.map((text) => compileStringTest(operator, text, path));
      return onStrings((value) => tests.some((test) => test(value)));
    }
  }
  fail(path, '"anything-but" takes a string, a number, a list of either, or one of prefix, suffix, equals-ignore-case, wildcard');
}

function isStringOperator(operator: string | undefined): operator is StringOperator {
  return operator === 'prefix' || operator === 'suffix' || operator === 'equals-ignore-case' || operator === 'wildcard';
}

function stringsOf(argument: unknown, path: string): string[] {
  if (typeof argument === 'string') return [argument];
  if (Array.isArray(argument) && argument.length > 0 && argument.every((v) => typeof v === 'string')) {
    return argument;
  }
  fail(path, 'must be a string or a non-empty list of strings');
}

type Bound = { value: number; inclusive: boolean };

/** ["=", n], ["<" | "<=" | ">" | ">=", n], or a range [">" | ">=", low, "<" | "<=", high]. */
function compileNumeric(argument: unknown, path: string): LeafTest {
  const usage = '"numeric" must be like ["=", 5], ["<", 10] or [">", 0, "<=", 5] with number operands';
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) fail(path, usage);
  const [operator, operand, upperOperator, upperOperand] = argument as unknown[];
  if (typeof operand !== 'number') fail(path, usage);
  if (argument.length === 2) {
    switch (operator) {
      case '=':
        return (value) => value === operand;
      case '<':
      case '<=':
        return inRange(undefined, { value: operand, inclusive: operator === '<=' });
      case '>':
      case '>=':
        return inRange({ value: operand, inclusive: operator === '>=' }, undefined);
      default:
        fail(path, usage);
    }
  }
  if ((operator !== '>' && operator !== '>=') || (upperOperator !== '<' && upperOperator !== '<=')) {
    fail(path, `${usage}; a range starts with ">" or ">=" and ends with "<" or "<="`);
  }
  if (typeof upperOperand !== 'number') fail(path, usage);
  if (operand >= upperOperand) fail(path, '"numeric" range lower bound must be below its upper bound');
  return inRange({ value: operand, inclusive: operator === '>=' }, { value: upperOperand, inclusive: upperOperator === '<=' });
}

function inRange(lower: Bound | undefined, upper: Bound | undefined): LeafTest {
  return (value) =>
    typeof value === 'number' &&
    (lower === undefined || (lower.inclusive ? value >= lower.value : value > lower.value)) &&
    (upper === undefined || (upper.inclusive ? value <= upper.value : value < upper.value));
}

/** IPv4 or IPv6 block, e.g. "10.0.0.0/24" ("IP address matching"). */
function compileCidr(argument: unknown, path: string): LeafTest {
  const [address = '', bits = '', ...rest] = typeof argument === 'string' ? argument.split('/') : [];
  const family = isIP(address);
  const prefix = Number(bits);
  if (family === 0 || rest.length > 0 || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
    fail(path, '"cidr" must be an IPv4 or IPv6 block such as "10.0.0.0/24"');
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(address, prefix, type);
  return (value) => typeof value === 'string' && isIP(value) === family && block.check(value, type);
}

function anyValue(test: LeafTest): ValuesMatcher {
  return (found) => found.some(test);
}

function onStrings(test: StringTest): LeafTest {
  return (value) => typeof value === 'string' && test(value);
}

/** The leaf values at a field: arrays are flattened, objects are not leaves, a missing field has none. */
function leafValues(value: unknown): Leaf[] {
  if (isLeaf(value)) return [value];
  if (Array.isArray(value)) return (value.flat(Infinity) as unknown[]).filter(isLeaf);
  return [];
}

function fieldOf(node: unknown, key: string): unknown {
  // Own properties only, so a pattern field such as "constructor" never sees Object.prototype.
  return isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function parsePatternText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail('', 'it is not valid JSON');
  }
}

function fail(path: string, reason: string): never {
  throw new InvalidEventPatternError(path, reason);
}
