// Words are runs of letters/digits; identifiers such as `org.apache.hadoop.hdfs.DFSClient` or
// `ResourceManager` also yield their camel-case parts, because tickets name the component in code.
const wordPattern = /[\p{L}\p{N}_]+/gu;
const camelPart = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g;
const longestUsefulWord = 40;

/** Lower-cased words of `text`, each followed by its camel-case parts when it has several. */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const [word] of text.matchAll(wordPattern)) {
    if (word.length > longestUsefulWord || /^\d+$/.test(word)) continue; // hashes, ids, bare numbers
    tokens.push(word.toLowerCase());
    const parts = word.match(camelPart);
    if (parts && parts.length > 1) for (const part of parts) if (!/^\d+$/.test(part)) tokens.push(part.toLowerCase());
  }
  return tokens;
}
