import { describe, expect, it } from 'vitest';
import { declaredKind } from './declared-kind';

describe('declaredKind', () => {
  it('reads the kind a reporter declared in an issue form', () => {
    expect(declaredKind('<details><summary>Click to expand!</summary>\n\n### Issue Type\n\nSupport\n\n### Source\n\nbinary')).toBe('support');
    expect(declaredKind('### Issue type\n\nFeature Request\n\n### Tensorflow Version')).toBe('feature');
    expect(declaredKind('Type: <b>Bug</b>\n\nThe debug console stays empty.')).toBe('bug');
    expect(declaredKind('**Do you want to request a *feature* or report a *bug*?**\n\nI would like to request a new feature.')).toBe('feature');
    expect(declaredKind('**Do you want to request a *feature* or report a *bug*?** Question.')).toBe('question');
    expect(declaredKind('### Issue Type\n\nOthers\n')).toBe('others');
  });

  it('is undefined without such a field, or when the answer names no kind', () => {
    expect(declaredKind('The export fails with a bug in the CSV writer.')).toBeUndefined();
    expect(declaredKind('**Do you want to request a *feature* or report a *bug*?**\n\n**What is the current behavior?**')).toBeUndefined();
    expect(declaredKind('')).toBeUndefined();
  });

  it('reads only the answer, not the rest of the report', () => {
    expect(declaredKind('### Issue Type\n\nSupport\n\nThis looks like a bug in the feature')).toBe('support');
  });
});
