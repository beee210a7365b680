import { describe, expect, it } from 'vitest';
import { wordTokens } from './tokens';

describe('wordTokens', () => {
  it('lower-cases words and splits identifiers into their camel-case parts too', () => {
    expect(wordTokens('NPE in org.apache.hadoop.DFSClient')).toEqual(['npe', 'in', 'org', 'apache', 'hadoop', 'dfsclient', 'dfs', 'client']);
  });

  it('drops bare numbers and overlong tokens such as hashes', () => {
    expect(wordTokens(`build 12345 at ${'a'.repeat(41)} failed`)).toEqual(['build', 'at', 'failed']);
  });
});
