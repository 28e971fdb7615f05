/**
 * "Did you mean …?" for misspelt commands, flags, plugin names and fields: the closest
 * known word by edit distance, when it is close enough to be a likely typo.
 *
 * @module
 */

/** Levenshtein distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase(), t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[t.length];
}

/**
 * The known word closest to `word`, if within a third of its length (at least 1, at most 3
 * edits) or if one starts with the other; undefined otherwise.
 */
export function closest(word: string, known: Iterable<string>): string | undefined {
  let best: string | undefined, bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const prefix = word.length >= 3 &&
    (best.toLowerCase().startsWith(word.toLowerCase()) ||
      word.toLowerCase().startsWith(best.toLowerCase()));
  return bestDistance <= limit || prefix ? best : undefined;
}

/** ` (did you mean "x"?)`, or an empty string when nothing is close. */
export function didYouMean(word: string, known: Iterable<string>, quote = '"'): string {
  const match = closest(word, known);
  return match === undefined ? "" : ` (did you mean ${quote}${match}${quote}?)`;
}
