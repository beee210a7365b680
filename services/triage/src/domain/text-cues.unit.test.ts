import { describe, expect, it } from 'vitest';
import { textCues } from './text-cues';

describe('textCues', () => {
  it('pools the many ways of asking, wanting and reporting into one cue each', () => {
    expect(textCues('Is there a way to export the report?', '')).toContain('t:asks-how');
    expect(textCues('Export the report', 'How can I export the report as CSV?')).toContain('b:asks-how');
    expect(textCues('Export the report', 'It would be nice to export the report as CSV.')).toContain('b:wants');
    expect(textCues('Export crashes', 'Steps to reproduce: open the report, click export.')).toEqual(expect.arrayContaining(['t:reports', 'b:reports']));
  });

  it('tells the title from the description', () => {
    const cues = textCues('How do I export the report', 'The export fails with an error.');
    expect(cues).toContain('t:asks-how');
    expect(cues).not.toContain('b:asks-how');
    expect(cues).toContain('b:reports');
  });

  it('notices stack traces, logs and code, which plain words miss', () => {
    const java = 'NPE on restart\n  at org.apache.hadoop.hdfs.DFSClient.open(DFSClient.java:123)\nCaused by: java.io.IOException';
    expect(textCues('', java)).toEqual(expect.arrayContaining(['b:stack-trace', 'b:exception', 'b:severe']));
    expect(textCues('', 'Traceback (most recent call last):\n  File "train.py", line 3, in <module>')).toContain('b:stack-trace');
    expect(textCues('', '2015-03-02 12:34:56,789 WARN [main] Server: retrying')).toContain('b:log-line');
    expect(textCues('', 'Run this:\n```\nnpm start\n```')).toContain('b:code-block');
    expect(textCues('Fix typo in javadoc', '')).toContain('t:cosmetic');
    expect(textCues('', 'See ![screenshot](https://example.com/a.png)')).toContain('b:image');
    expect(textCues('', 'No image here: ![unclosed')).not.toContain('b:image');
    expect(textCues('', '\n\n  at org.example.Main.run(Main.java:12)')).toContain('b:stack-trace');
  });

  it('names how the title opens, how many questions it asks and how long it is', () => {
    const cues = textCues('Why does the build fail', 'Why? And how? Really?');
    expect(cues).toEqual(expect.arrayContaining(['t:opens:why', 'b:questions:3', `b:length:${Math.floor(Math.log2(1 + 21))}`]));
    expect(textCues('Printer on floor 3 jams', '')).toEqual(expect.arrayContaining(['b:questions:0', 'b:length:0']));
    expect(textCues('Printer jams', '').some((cue) => cue.startsWith('t:opens:'))).toBe(false);
  });

  it('keeps the issue template a reporter chose', () => {
    expect(textCues('Tabs', '<!-- ⚠️⚠️ Do Not Delete This! feature_request_template ⚠️⚠️ -->')).toContain('b:feature_request_template');
  });
});
