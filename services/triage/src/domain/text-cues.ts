/**
 * Cues to what kind of report a ticket is and how bad it sounds, beyond its topic words: does it ask, want,
 * or report; does it carry a stack trace, a log, code; how long is it. Each pattern pools many rare
 * phrasings ("is there a way", "how can I", "any idea") into one feature a small history can learn a weight
 * for, where each phrasing on its own is seen too seldom. Cross-validated inside the learned part of the dev
 * data (scripts/eval/triage-cv.ts): GitHub bug/feature/question macro-F1 0.687 → 0.722; Jira routing and
 * priority, and CFPB products, unchanged within noise.
 */

/** Named patterns, each tested on the title and on the description apart (`t:` and `b:` cues). */
const patterns: readonly (readonly [string, RegExp])[] = [
  ['code-block', /```|^(?: {4}|\t)\S/m],
  // Line-leading space is `[ \t]*`, not `\s*`: with /m, `^\s*` would span blank lines and backtrack over them
  // (half a second for a description of 20,000 newlines).
  ['stack-trace', /^[ \t]*at [\w$.<>]+\([\w$.]*(?::\d+)?\)|Traceback \(most recent call last\)|^Caused by:|Exception in thread|^[ \t]*File "[^"]+", line \d+/m],
  ['exception', /\b\w*(Exception|Error)\b/],
  ['log-line', /\d\d:\d\d:\d\d(?:[,.]\d+)?\s+(?:\[[^\]\n]{0,100}\]\s+)?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b/],
  ['image', /!\[[^\]\n]{0,200}\]\(|<img\b/i], // alt text bounded: an unclosed `![` must not scan to the end
  ['link', /https?:\/\//],
  ['environment', /\b(os|operating system|platform|version|browser|python version|node version|system information|environment)\s*[:=]/i],
  ['greeting', /^\s*(hi|hello|hey|dear|greetings)\b/i],
  ['thanks', /\b(thanks|thank you|thx|appreciate)\b/i],
  ['attempt', /\b(i (tried|have tried|was trying|am using|use|want|need)|my (code|project|app|model))\b/i],
  ['should', /\b(should (be|not|have)|instead of|rather than|currently)\b/i],
  [
    'asks-how',
    /\b(how (do|can|could|should|would|to)|is (there|it) (a way|possible|any)|what is the (best|right|proper)|any (idea|suggestion|hint)s?|can (i|we|someone|anyone)|does anyone|anyone know|(please|need) help|help (me|needed)|i am trying to|i'?m trying to|not sure (how|why|if|whether)|confused|clarif\w+|questions?)\b/i,
  ],
  ['asks-why', /\b(why (is|does|do|are|did|would)|what (does|is)|where (is|can|do)|which (one|version))\b/i],
  [
    'wants',
    /\b(feature requests?|enhancement|would be (nice|great|useful|helpful|good)|it would be|please add|add(ing)? (support|an? option|the ability)|support for|option to|ability to|allow(ing)? (users?|me|us|to|the)|provide an? (way|option|api)|make it possible|should be able|proposal|propose|suggestion|i'?d like|we should|use cases?|motivation|describe the solution|alternatives? considered|new (api|feature|option|setting))\b/i,
  ],
  [
    'reports',
    /\b(steps to reproduce|repro(duce|duction)? steps|to reproduce|expected (behaviou?r|result|output)|actual (behaviou?r|result|output)|observed behaviou?r|regression|crash(es|ed|ing)?|segfault|segmentation fault|no longer|stopped working|broke(n)?|fails?|failed|failing|failure|doesn'?t work|does not work|not working|unexpected(ly)?|incorrect(ly)?|wrong|hangs?|freez(es|ing)|leaks?|after (updating|upgrading|update|upgrade))\b/i,
  ],
  [
    'severe',
    /\b(data loss|lost data|lose data|corrupt\w*|deadlock\w*|hangs?|hung|infinite loop|race condition|crash\w*|security|vulnerab\w*|NullPointerException|NPE|OutOfMemory\w*|OOM|cannot start|can'?t start|fails? to start|unavailable|outage|shut ?down|blocker|broken build|build (is )?broken)\b/i,
  ],
  [
    'cosmetic',
    /\b(typos?|spelling|javadocs?|docs?|documentation|comments?|clean ?up|unused|rename|cosmetic|minor|readme|misleading|confusing|log message|logging|checkstyle|findbugs|warnings?|format(ting)?|indentation|whitespace|dead code|refactor\w*)\b/i,
  ],
];

// How a title opens says whether it asks ("How", "Why"), requests ("Add", "Allow") or reports ("Crash").
const titleOpeners = new Set(
  'how why what is are can could does do should where when which any help question add allow support feature enable provide make improve implement request proposal bug crash error fix fail fails unable cannot can\'t'.split(' '),
);

/** The cues of a ticket, as feature names (`t:asks-how`, `b:stack-trace`, `b:length:9`, ...). */
export function textCues(title: string, description: string): string[] {
  const cues: string[] = [];
  for (const [name, pattern] of patterns) {
    if (pattern.test(title)) cues.push(`t:${name}`);
    if (pattern.test(description)) cues.push(`b:${name}`);
  }
  const opener = /^[\p{L}']+/u.exec(title.trim().toLowerCase())?.[0];
  if (opener && titleOpeners.has(opener)) cues.push(`t:opens:${opener}`);
  cues.push(`b:questions:${Math.min((description.match(/\?(\s|$)/g) ?? []).length, 3)}`);
  // Length in doublings: a one-line report and a page with logs are different kinds of ticket.
  cues.push(`b:length:${Math.min(Math.floor(Math.log2(1 + description.length)), 14)}`);
  // Issue forms name their template in a comment (`bug_report_template`): what the reporter chose to file.
  for (const [template] of description.matchAll(/\b\w+_template\b/g)) cues.push(`b:${template.toLowerCase()}`);
  return cues;
}
