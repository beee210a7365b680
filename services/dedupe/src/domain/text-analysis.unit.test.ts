import { describe, expect, it } from 'vitest';
import { extractIdentifiers, splitCamelCase, stem, tokenizeWords, wordBigrams } from './text-analysis';

describe('tokenizeWords', () => {
  it('lower-cases, drops stop words and one-letter tokens, and stems', () => {
    expect(tokenizeWords('The uploads are failing for a user')).toEqual(['upload', 'fail', 'user']);
  });

  it('splits code tokens into their words so prose and code meet', () => {
    expect(tokenizeWords('getDatanodeUuids in DFSClient')).toEqual(['datanode', 'uuid', 'dfs', 'client']);
  });

  it('ignores tracker markup and URLs', () => {
    expect(tokenizeWords('{code:java}int x;{code} see https://example.org/a/b [~alice]')).toEqual(['int', 'see']);
  });
});

describe('splitCamelCase', () => {
  it('keeps acronyms and their plurals whole', () => {
    expect(splitCamelCase('HTTPServer2Client')).toEqual(['HTTP', 'Server2', 'Client']);
    expect(splitCamelCase('NPEs')).toEqual(['NPEs']);
  });
});

describe('stem', () => {
  it.each([
    ['failing', 'fail'],
    ['failed', 'fail'],
    ['fails', 'fail'],
    ['queries', 'query'],
    ['running', 'run'],
    ['classes', 'class'],
    ['status', 'status'],
    ['process', 'process'],
    ['hdfs2', 'hdfs2'],
  ])('%s → %s', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });
});

describe('extractIdentifiers', () => {
  it('finds exception, class and method names', () => {
    expect(extractIdentifiers('Got a NullPointerException from getBlockLocations')).toEqual([
      'nullpointerexception',
      'getblocklocations',
    ]);
  });

  it('gives qualified names their class and file names their stem, once per mention', () => {
    expect(extractIdentifiers('at org.apache.hadoop.hdfs.DFSClient.close(DFSClient.java:709)')).toEqual([
      'org.apache.hadoop.hdfs.dfsclient.close',
      'dfsclient',
      'dfsclient.java',
      'dfsclient',
    ]);
  });

  it('finds config keys, error codes, tracker keys, snake_case names and paths', () => {
    expect(extractIdentifiers('dfs.namenode.name.dir ORA-00942 HDFS-8992 MAX_TASK_ATTEMPTS /var/log/app.log')).toEqual([
      'dfs.namenode.name.dir',
      'ora-00942',
      'hdfs-8992',
      'max_task_attempts',
      '/var/log/app.log',
      'app',
    ]);
  });

  it('finds nothing in plain prose', () => {
    expect(extractIdentifiers('The page is blank after I log in.')).toEqual([]);
  });
});

describe('wordBigrams', () => {
  it('pairs adjacent words in order', () => {
    expect(wordBigrams(['name', 'node', 'crash'])).toEqual(['name node', 'node crash']);
  });
});
