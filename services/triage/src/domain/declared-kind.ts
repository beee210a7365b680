// Issue forms ask the reporter what kind of report it is: "### Issue Type\n\nSupport" (GitHub issue forms),
// "Type: <b>Bug</b>" (VS Code's reporter), "Do you want to request a *feature* or report a *bug*?** Feature".
const kindField =
  /(?:^|\n)[#* \t]*(?:issue\s+type|type\s+of\s+(?:issue|report|request)|kind\s+of\s+(?:issue|report))[*:\s]*\n?\s*|\btype:\s*<b>\s*|do you want to request an? \*?feature\*? or report an? \*?bug\*?\?[*\s]*/i;
const kindWords = /\b(bug|regression|crash|feature|enhancement|question|support|docs?|documentation|performance|build|install\w*|security|others?)\b/i;
const answerLength = 40;

/**
 * The kind of report the reporter declared in such a field, as they wrote it (its first kind word, lower
 * case: `support`, `feature`, `bug`), or undefined when there is no such field or its answer names no kind.
 * It is the reporter's own triage, not the desk's: which label it goes with (and how often it is right) is
 * for the deployment's model to learn, so it is not mapped to any label here.
 */
export function declaredKind(description: string): string | undefined {
  const field = kindField.exec(description);
  if (!field) return undefined;
  const start = field.index + field[0].length;
  const answer = description.slice(start, start + answerLength).split('\n')[0]!;
  return kindWords.exec(answer)?.[1]?.toLowerCase();
}
