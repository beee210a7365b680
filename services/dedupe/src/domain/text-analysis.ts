// Turns ticket text into the terms the lexical index compares. Pure and deterministic: the index is rebuilt
// from stored documents by running the same analysis again.

// Common English function words: they say nothing about the problem.
const stopWords = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each etc few for from further get gets got had has ' +
    'have having he her here hers him his how i if in into is it its itself just let me more most my no nor not now ' +
    'of off on once only or other our out over own same she should so some such than that the their them then there ' +
    'these they this those through to too under until up us very was we were what when where which while who whom ' +
    'why will with would you your yours'
  ).split(' '),
);

const urlPattern = /\bhttps?:\/\/\S+/g;
const trackerMarkupPattern = /\{(?:code|noformat|quote|color|panel)(?::[^}]*)?\}|\[~[^\]]*\]/g;
const wordPattern = /[A-Za-z][A-Za-z0-9]*|[0-9]+/g;

/**
 * Words for the title and body fields: lower-cased, code tokens split into their parts
 * (`getDatanodeUuids` → get, datanode, uuids), stop words and one-letter tokens dropped, lightly stemmed.
 *
 * @example tokenizeWords('Balancer throws NPEs in getBlockList') // ['balancer', 'throw', 'npe', 'block', 'list']
 */
export function tokenizeWords(text: string): string[] {
  const words: string[] = [];
  const withoutNoise = text.replace(urlPattern, ' ').replace(trackerMarkupPattern, ' ');
  for (const raw of withoutNoise.match(wordPattern) ?? []) {
    for (const part of splitCamelCase(raw)) {
      const word = part.toLowerCase();
      if (word.length < 2 || stopWords.has(word)) continue;
      words.push(stem(word));
    }
  }
  return words;
}

// Splits camelCase and PascalCase while keeping acronyms (and their plurals) whole:
// `HTTPServer2Client` → HTTP, Server2, Client; `NPEs` → NPEs.
export function splitCamelCase(token: string): string[] {
  return token.match(/[A-Z]{2,}s(?![a-z])|[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+/g) ?? [token];
}

/**
 * A light suffix stripper (plural, -ing, -ed): enough to match "fails"/"failed"/"failing" without the
 * over-stemming of a full Porter stemmer on technical words.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /[0-9]/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return undoubleConsonant(word.slice(0, -3));
  if (word.endsWith('ed') && word.length > 4 && !word.endsWith('eed')) return undoubleConsonant(word.slice(0, -2));
  if (word.endsWith('es') && /(?:ss|sh|ch|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function undoubleConsonant(word: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(word) && !/(?:ll|ss|zz)$/.test(word) ? word.slice(0, -1) : word;
}

// Identifiers name the thing that broke; the same ones in two reports are strong evidence of one problem.
// One alternation, most specific first, so each span of text yields one identifier.
const identifierPattern = new RegExp(
  [
    // paths: /var/log/hadoop, C:\Program Files\x
    String.raw`(?:/[\w.-]+){2,}|\b[A-Za-z]:\\[\w\\.-]+`,
    // qualified names, config keys, file names: org.apache.hadoop.hdfs.DFSClient, dfs.namenode.name.dir, Balancer.java
    String.raw`\b[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)+`,
    // tracker keys and error codes: HDFS-8992, ORA-00942, E1234, 0x80004005
    String.raw`\b[A-Z][A-Z0-9]+-[0-9]+\b|\b[A-Z]{1,4}[0-9]{3,}\b|\b0x[0-9a-fA-F]{4,}\b`,
    // snake_case and CONSTANT_CASE names: hive_metastore, MAX_TASK_ATTEMPTS
    String.raw`\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b`,
    // mixed-case names, exceptions included: NullPointerException, getDatanodeUuids, DFSClient
    String.raw`\b(?=[A-Za-z0-9]*(?:[a-z][A-Z]|[A-Z]{2}[a-z]))[A-Za-z][A-Za-z0-9]*\b`,
  ].join('|'),
  'g',
);

/**
 * Identifiers mentioned in the text (class, exception, method and file names, config keys, error codes,
 * paths), lower-cased. A qualified name also yields its class-like segments and a file name its stem, so
 * `org.apache.hadoop.hdfs.DFSClient` matches a report that just says `DFSClient`.
 *
 * @example extractIdentifiers('NPE at DFSClient.java:709') // ['dfsclient.java', 'dfsclient']
 */
export function extractIdentifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.replace(urlPattern, ' ').match(identifierPattern) ?? []) {
    found.push(...identifierVariants(match.replace(/[.:]+$/, '')));
  }
  return found;
}

const fileExtension = /\.(?:java|scala|py|js|ts|cc|cpp|c|h|go|rb|sh|xml|json|ya?ml|properties|conf|txt|log|html|jar)$/i;

function identifierVariants(name: string): string[] {
  const variants = new Set([name.toLowerCase()]);
  const segments = name.split(/[./\\$]/);
  if (segments.length < 2) return [...variants];
  if (fileExtension.test(name)) {
    const fileStem = segments[segments.length - 2];
    if (fileStem !== undefined && fileStem.length > 1) variants.add(fileStem.toLowerCase());
  }
  // Class-like segments (capitalised, not a one-letter inner class) stand on their own.
  for (const segment of segments) {
    if (/^[A-Z][A-Za-z0-9_]+$/.test(segment)) variants.add(segment.toLowerCase());
  }
  return [...variants];
}

/** Adjacent word pairs: they keep a little word order ("name node" vs "node name") that single words lose. */
export function wordBigrams(words: readonly string[]): string[] {
  const bigrams: string[] = [];
  for (let i = 1; i < words.length; i += 1) bigrams.push(`${words[i - 1]} ${words[i]}`);
  return bigrams;
}
