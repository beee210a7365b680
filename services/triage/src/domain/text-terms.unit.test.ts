import { describe, expect, it } from 'vitest';
import { blockIndexOf, extractTerms, reporterText, termBlocks } from './text-terms';

describe('reporterText', () => {
  it('drops the instructions an issue template leaves in HTML comments', () => {
    const body = '<!-- Please search existing issues. -->\nThe editor freezes.\n<!-- Describe\nthe steps. -->\nOpen a file.';
    expect(reporterText(body).replace(/\s+/g, ' ').trim()).toBe('The editor freezes. Open a file.');
  });

  it('drops an unclosed comment to the end, and leaves text without comments alone', () => {
    expect(reporterText('Crash on start <!-- Describe the bug')).toBe('Crash on start  ');
    expect(reporterText('a < b and c > d')).toBe('a < b and c > d');
  });
});

describe('extractTerms', () => {
  it('counts the same words for a ticket with or without its template comments', () => {
    const plain = extractTerms({ title: 'Freeze', description: 'The editor freezes.' });
    const templated = extractTerms({ title: 'Freeze', description: '<!-- Please search existing issues. -->The editor freezes.' });
    // Blocks 0-2 (title words, words, character n-grams); block 3, the cues, still sees the template.
    const words = (terms: typeof plain) => [...terms.keys].filter((key) => blockIndexOf(key) < 3).sort();
    expect(words(templated)).toEqual(words(plain));
  });

  it('keeps the kind a reporter declared in a block of its own, apart from the words', () => {
    const declared = extractTerms({ title: 'GPU not found', description: '### Issue Type\n\nSupport\n\nMy GPU is not found.' });
    const undeclared = extractTerms({ title: 'GPU not found', description: 'My GPU is not found.' });
    const blocks = (terms: typeof declared) => new Set([...terms.keys].map(blockIndexOf));
    expect(blocks(declared).has(termBlocks.indexOf('declared'))).toBe(true);
    expect(blocks(undeclared).has(termBlocks.indexOf('declared'))).toBe(false);
  });
});
