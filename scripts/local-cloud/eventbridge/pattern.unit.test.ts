import { describe, expect, it } from 'vitest';
import {
  assertValidEventPattern,
  compileEventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  type EventPattern,
} from './pattern';

type Case = [name: string, pattern: EventPattern, event: unknown, matches: boolean];

function expectCases(cases: Case[]): void {
  it.each(cases)('%s', (_name, pattern, event, matches) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });
}

// The sample events of the AWS docs ("Amazon EventBridge event patterns") and of the Ruler README that
// "Content filtering in Amazon EventBridge event patterns" draws its examples from.
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const filteringEvent = {
  ...ec2Event,
  time: '2017-10-02T16:24:49Z',
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

describe('Event pattern syntax / Creating Amazon EventBridge event patterns', () => {
  const terminated = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };
  expectCases([
    ['matches the instance-termination example', terminated, ec2Event, true],
    ['does not match another state', terminated, withDetail({ state: 'running' }), false],
    ['values in the array are alternatives (aws.ec2 or aws.fargate)', { source: ['aws.ec2', 'aws.fargate'] }, { source: 'aws.fargate' }, true],
    ['fields not in the pattern are ignored', { source: ['aws.ec2'] }, ec2Event, true],
    ['every field of the pattern must be in the event', terminated, { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }, false],
    ['fields must appear with the same nesting', { detail: { state: ['terminated'] } }, { state: 'terminated' }, false],
    ['string matching is exact and case-sensitive', { source: ['AWS.EC2'] }, ec2Event, false],
    ['numbers match numbers', { detail: { 'x-limit': [301.8] } }, filteringEvent, true],
    ['a number never matches its string form', { detail: { 'x-limit': ['301.8'] } }, filteringEvent, false],
    ['booleans match JSON booleans', { detail: { enabled: [true] } }, withDetail({ enabled: true }), true],
    ['a boolean does not match the string "true"', { detail: { enabled: [true] } }, withDetail({ enabled: 'true' }), false],
    ['a leaf pattern does not match an object value', { detail: ['terminated'] }, ec2Event, false],
    ['a nested pattern does not match a string value', { source: { name: ['aws.ec2'] } }, ec2Event, false],
    ['only own fields count (no prototype lookups)', { constructor: [{ exists: true }] }, {}, false],
    ['a pattern given as JSON text works the same', '{"detail":{"state":["terminated"]}}' as unknown as EventPattern, ec2Event, true],
  ]);
});

describe('Matching null values and empty strings in Amazon EventBridge event patterns', () => {
  const event = withDetail({ eventVersion: '', responseElements: null });
  expectCases([
    ['[""] matches an empty string', { detail: { eventVersion: [''] } }, event, true],
    ['[null] matches a null value', { detail: { responseElements: [null] } }, event, true],
    ['[""] does not match null', { detail: { responseElements: [''] } }, event, false],
    ['[null] does not match an empty string', { detail: { eventVersion: [null] } }, event, false],
    ['[null] does not match a missing field', { detail: { missing: [null] } }, event, false],
  ]);
});

describe('Arrays in Amazon EventBridge event patterns', () => {
  const resourcesPattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  expectCases([
    [
      'matches when the pattern array and event array intersect',
      resourcesPattern,
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      true,
    ],
    ['does not match when they do not intersect', resourcesPattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-1'] }, false],
    ['does not match an empty event array', resourcesPattern, { resources: [] }, false],
    ['a nested pattern matches any object in an event array', { employees: { firstName: ['Anna'] } }, employees, true],
    ['fields from different array elements do not combine', { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees, false],
    ['fields from the same array element do combine', { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees, true],
    ['multi-level arrays are flattened', { employees: { firstName: ['Peter'] } }, { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] }, true],
    ['nested value arrays are flattened', { tags: ['b'] }, { tags: [['a'], ['b']] }, true],
  ]);
});

describe('Content filtering: prefix matching', () => {
  expectCases([
    ['time starts with 2017-10-02', { time: [{ prefix: '2017-10-02' }] }, filteringEvent, true],
    ['time with another date', { time: [{ prefix: '2017-10-03' }] }, filteringEvent, false],
    ['European Auto Scaling events (region eu-)', { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, { source: 'aws.autoscaling', region: 'eu-west-1' }, true],
    ['a US region is not eu-', { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, { source: 'aws.autoscaling', region: 'us-east-1' }, false],
    ['prefix only applies to strings', { detail: { 'c-count': [{ prefix: '5' }] } }, filteringEvent, false],
    ['prefix ignoring case matches EVENTBRIDGE', { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, { service: 'EVENTBRIDGE' }, true],
    ['prefix ignoring case still needs the prefix', { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, { service: 'lambda' }, false],
  ]);
});

describe('Content filtering: suffix matching', () => {
  expectCases([
    ['FileName ends with .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['FileName ends with .jpg', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' }, false],
    ['suffix is case-sensitive', { FileName: [{ suffix: '.png' }] }, { FileName: 'IMAGE.PNG' }, false],
    ['suffix ignoring case matches .PNG', { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { FileName: 'IMAGE.PNG' }, true],
    ['suffix only applies to strings', { code: [{ suffix: '1' }] }, { code: 201 }, false],
  ]);
});

describe('Content filtering: anything-but matching', () => {
  expectCases([
    ['state is anything but initializing', { detail: { state: [{ 'anything-but': 'initializing' }] } }, filteringEvent, true],
    ['anything-but rejects the named value', { detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'initializing' }), false],
    ['anything-but a number accepts another number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, filteringEvent, true],
    ['anything-but a number rejects it', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }), false],
    ['anything-but a list of strings rejects each', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, withDetail({ state: 'stopped' }), false],
    ['anything-but a list of strings accepts others', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, filteringEvent, true],
    ['anything-but a list of numbers rejects each', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({ 'x-limit': 200 }), false],
    ['anything-but a list of numbers accepts others', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, filteringEvent, true],
    ['anything-but prefix init rejects initializing', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, withDetail({ state: 'initializing' }), false],
    ['anything-but prefix init accepts running', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, filteringEvent, true],
    ['Region is not in the US', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' }, true],
    ['anything-but suffix rejects .png', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' }, false],
    ['anything-but suffix accepts .txt', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.txt' }, true],
    ['anything-but ignoring case rejects INITIALIZING', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'INITIALIZING' }, false],
    ['anything-but ignoring case (list) rejects stopped', { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] }, { state: 'stopped' }, false],
    ['anything-but ignoring case accepts running', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'running' }, true],
    ['FilePath is not a path that includes /lib/', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/libc.so' }, false],
    ['FilePath under /bin/ is accepted', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/ls' }, true],
    ['anything-but needs the field to be present', { detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({}), false],
    ['anything-but on an event array: one other element is enough', { tags: [{ 'anything-but': 'x' }] }, { tags: ['x', 'y'] }, true],
    ['anything-but on an event array: all excluded', { tags: [{ 'anything-but': ['x', 'y'] }] }, { tags: ['x', 'y'] }, false],
    ['anything-but a string accepts a number value', { code: [{ 'anything-but': '200' }] }, { code: 200 }, true],
  ]);
});

describe('Content filtering: numeric matching', () => {
  const numeric = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  expectCases([
    ['matches only when true for all fields', numeric, filteringEvent, true],
    ['upper bound <= is inclusive, 6 is out', numeric, { ...filteringEvent, detail: { ...filteringEvent.detail, 'c-count': 6 } }, false],
    ['lower bound > is exclusive, 0 is out', numeric, { ...filteringEvent, detail: { ...filteringEvent.detail, 'c-count': 0 } }, false],
    ['>= is inclusive', { n: [{ numeric: ['>=', 0] }] }, { n: 0 }, true],
    ['< is exclusive', { n: [{ numeric: ['<', 10] }] }, { n: 10 }, false],
    ['numbers compare by value (300 = 3.0e2 = 300.0)', { n: [{ numeric: ['=', 300] }] }, JSON.parse('{"n": 3.0e2}'), true],
    ['works with negative decimals', { n: [{ numeric: ['>', -1.5, '<', 0] }] }, { n: -1 }, true],
    ['only JSON numbers match, not numeric strings', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
    ['any element of an event array may match', { n: [{ numeric: ['>=', 10] }] }, { n: [1, 2, 12] }, true],
  ]);
});

describe('Content filtering: IP address matching', () => {
  expectCases([
    ['10.0.0.33 is in 10.0.0.0/24', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, filteringEvent, true],
    ['10.0.1.1 is not in 10.0.0.0/24', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.1' }, false],
    ['IPv6 blocks work too', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1' }, true],
    ['a non-address never matches', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'ten' }, false],
  ]);
});

describe('Content filtering: exists matching (leaf nodes only)', () => {
  expectCases([
    ['exists true matches a present detail.state', { detail: { state: [{ exists: true }] } }, ec2Event, true],
    ['exists true does not match a missing field', { detail: { 'c-count': [{ exists: true }] } }, ec2Event, false],
    ['exists false matches a missing field', { detail: { 'c-count': [{ exists: false }] } }, ec2Event, true],
    ['exists false does not match a present field', { detail: { state: [{ exists: false }] } }, ec2Event, false],
    ['exists true does not match an object (not a leaf)', { detail: { 'c-count': [{ exists: true }] } }, withDetail({ 'c-count': { c1: 100 } }), false],
    ['exists false matches an object (not a leaf)', { detail: { 'c-count': [{ exists: false }] } }, withDetail({ 'c-count': { c1: 100 } }), true],
    ['a null value exists', { detail: { v: [{ exists: true }] } }, withDetail({ v: null }), true],
    ['exists false matches when the parent is missing', { detail: { 'c-count': [{ exists: false }] } }, { source: 'aws.ec2' }, true],
    ['an empty array has no leaf, so exists true fails', { tags: [{ exists: true }] }, { tags: [] }, false],
    ['an empty array has no leaf, so exists false matches', { tags: [{ exists: false }] }, { tags: [] }, true],
    ['an array of values exists', { tags: [{ exists: true }] }, { tags: ['a'] }, true],
    ['exists false or a value: either is enough', { state: ['running', { exists: false }] }, {}, true],
  ]);
});

describe('Comparison operators: equals-ignore-case and wildcard', () => {
  expectCases([
    ['Name equals alice ignoring case', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
    ['equals-ignore-case is still equality', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' }, false],
    ['equals-ignore-case only applies to strings', { n: [{ 'equals-ignore-case': '5' }] }, { n: 5 }, false],
    ['any .png file within dir', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/a.png' }, true],
    ['a wildcard also spans slashes', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/sub/a.png' }, true],
    ['outside dir is not matched', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'other/a.png' }, false],
    ['Simple*Service matches SimpleQueueService', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' }, true],
    ['*Title* matches Title in the middle', { t: [{ wildcard: '*Title*' }] }, { t: 'My Title Here' }, true],
    ['* matches the empty string', { t: [{ wildcard: '*' }] }, { t: '' }, true],
    ['an escaped \\* is a literal star', { t: [{ wildcard: 'a\\*b' }] }, { t: 'a*b' }, true],
    ['an escaped \\* does not match other characters', { t: [{ wildcard: 'a\\*b' }] }, { t: 'axb' }, false],
    ['an escaped \\\\ is a literal backslash', { t: [{ wildcard: 'a\\\\*' }] }, { t: 'a\\bc' }, true],
    ['regex characters are literal', { t: [{ wildcard: 'a.c*' }] }, { t: 'abcd' }, false],
    ['wildcard only applies to strings', { t: [{ wildcard: '*' }] }, { t: 1 }, false],
  ]);
});

describe('Comparison operators: $or', () => {
  const sourceAndMetricOrNamespace = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const orWithAnd = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
      { scope: ['Service'] },
    ],
  };
  const nestedOr = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      {
        metricType: ['MetricType'],
        namespace: ['AWS/EC2', 'AWS/ES'],
        $or: [{ metricId: [1234] }, { spaceId: [1000] }],
      },
      { scope: ['Service'] },
    ],
  };
  const parallelOr = {
    $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
    detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
  };
  expectCases([
    ['Location is New York, or Day is Monday', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, { Location: 'Paris', Day: 'Monday' }, true],
    ['neither branch of Location/Day', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, { Location: 'Paris', Day: 'Friday' }, false],
    ['source and (metricName or namespace): namespace', sourceAndMetricOrNamespace, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
    ['source and (metricName or namespace): neither', sourceAndMetricOrNamespace, { source: 'aws.cloudwatch', namespace: 'AWS/S3' }, false],
    ['source and (...): wrong source', sourceAndMetricOrNamespace, { source: 'aws.ec2', metricName: 'ReadLatency' }, false],
    ['an $or branch with two fields needs both', orWithAnd, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' }, true],
    ['an $or branch with two fields fails on one', orWithAnd, { source: 'aws.cloudwatch', metricType: 'MetricType' }, false],
    ['nested $or inside a branch', nestedOr, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 }, true],
    ['nested $or inside a branch: no inner match', nestedOr, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1 }, false],
    ['parallel $or at two levels', parallelOr, { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }, true],
    ['parallel $or needs both levels', parallelOr, { namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } }, false],
  ]);
});

describe('Content filtering: complex example with multiple matching', () => {
  const complex = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
      'source-ip': [{ cidr: '10.0.0.0/8' }],
    },
  };
  expectCases([
    ['all conditions hold', complex, filteringEvent, true],
    ['one condition fails', complex, { ...filteringEvent, detail: { ...filteringEvent.detail, 'x-limit': 300 } }, false],
  ]);
});

describe('compileEventPattern', () => {
  it('compiles once and matches many events', () => {
    const isTerminated = compileEventPattern({ detail: { state: ['terminated'] } });
    expect([ec2Event, withDetail({ state: 'running' }), ec2Event].map(isTerminated)).toEqual([true, false, true]);
  });
});

describe('assertValidEventPattern', () => {
  const invalid: [name: string, pattern: unknown, message: RegExp][] = [
    ['a pattern that is not an object', [], /must be a JSON object/],
    ['a pattern that is not JSON', '{source:', /not valid JSON/],
    ['a leaf that is not an array', { source: 'aws.ec2' }, /"source".*must be an array/],
    ['a leaf that is a number', { detail: { n: 5 } }, /"detail\.n".*must be an array/],
    ['an empty value array', { source: [] }, /empty arrays are not allowed/],
    ['an empty object', { detail: {} }, /empty objects are not allowed/],
    ['an empty pattern', {}, /empty objects are not allowed/],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }, /unknown operator "contains"/],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['an operator object without keys', { source: [{}] }, /exactly one key/],
    ['an array inside the value array', { source: [['aws.ec2']] }, /match values must be/],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 5] }] }, /"numeric" must be like/],
    ['numeric with a string operand', { n: [{ numeric: ['>', '5'] }] }, /"numeric" must be like/],
    ['numeric with a missing operand', { n: [{ numeric: ['>', 0, '<'] }] }, /"numeric" must be like/],
    ['numeric that is not an array', { n: [{ numeric: 5 }] }, /"numeric" must be like/],
    ['numeric range in the wrong order', { n: [{ numeric: ['<', 5, '>', 1] }] }, /a range starts with/],
    ['numeric range whose bounds cross', { n: [{ numeric: ['>', 5, '<', 1] }] }, /lower bound must be below/],
    ['exists that is not a boolean', { n: [{ exists: 'yes' }] }, /"exists" must be true or false/],
    ['wildcard with consecutive stars', { f: [{ wildcard: 'a**b' }] }, /consecutive wildcard/],
    ['wildcard escaping another character', { f: [{ wildcard: 'a\\b' }] }, /may only escape/],
    ['wildcard ending in a lone backslash', { f: [{ wildcard: 'a\\' }] }, /may only escape/],
    ['wildcard that is not a string', { f: [{ wildcard: 5 }] }, /"wildcard" must be a string/],
    ['prefix that is not a string', { f: [{ prefix: 5 }] }, /"prefix" must be a string or/],
    ['prefix with an unknown modifier', { f: [{ prefix: { wildcard: 'a' } }] }, /"prefix" must be a string or/],
    ['anything-but mixing strings and numbers', { f: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
    ['anything-but with an empty list', { f: [{ 'anything-but': [] }] }, /must be non-empty/],
    ['anything-but with null', { f: [{ 'anything-but': null }] }, /"anything-but" takes/],
    ['anything-but with an empty prefix', { f: [{ 'anything-but': { prefix: '' } }] }, /must not be empty/],
    ['anything-but with an unsupported operator', { f: [{ 'anything-but': { numeric: ['>', 1] } }] }, /"anything-but" takes/],
    ['anything-but wildcard with consecutive stars', { f: [{ 'anything-but': { wildcard: ['ok*', '**'] } }] }, /consecutive wildcard/],
    ['$or with a single branch', { $or: [{ a: ['1'] }] }, /at least two objects/],
    ['$or that is not an array', { $or: { a: ['1'] } }, /at least two objects/],
    ['$or with a non-object branch', { $or: [{ a: ['1'] }, ['b']] }, /at least two objects/],
    ['an operator name as a field inside $or', { $or: [{ numeric: [1] }, { prefix: ['a'] }] }, /operator name/],
    ['a malformed cidr', { ip: [{ cidr: '10.0.0.0/33' }] }, /"cidr" must be/],
  ];

  it.each(invalid)('rejects %s', (_name, pattern, message) => {
    expect(() => assertValidEventPattern(pattern as EventPattern)).toThrow(InvalidEventPatternError);
    expect(() => assertValidEventPattern(pattern as EventPattern)).toThrow(message);
  });

  it('names the offending field in the error', () => {
    const error = captureError(() => assertValidEventPattern({ detail: { state: [{ exists: 1 }] } }));
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error).toMatchObject({ name: 'InvalidEventPatternError', path: 'detail.state' });
  });

  it('accepts every operator the docs describe', () => {
    expect(() =>
      assertValidEventPattern({
        source: ['aws.ec2', { prefix: 'aws.' }, { suffix: { 'equals-ignore-case': '.EC2' } }],
        detail: {
          a: [{ 'anything-but': { prefix: ['init', 'stop'] } }],
          b: [{ numeric: ['>=', 0, '<', 1e9] }, { exists: false }, null, true, ''],
          c: [{ wildcard: 'a\\**' }, { 'equals-ignore-case': 'x' }, { cidr: '::1/128' }],
          $or: [{ d: [1] }, { e: { f: ['g'] } }],
        },
      }),
    ).not.toThrow();
  });
});

function captureError(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
