/**
 * The closest name to a misspelt one, scored as PostgREST scores its "Perhaps you meant" hints (the
 * fuzzyset algorithm of its Data.FuzzySet: cosine similarity of character 3-grams, then 2-grams, the best
 * 50 rescored by Levenshtein distance). Written here because the JavaScript fuzzyset packages are not under
 * an open-source licence.
 */

const GRAM_SIZES = [3, 2] as const;

/** What the grams are made of: lower case, only letters, digits, commas and spaces. */
function normalise(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9\u00c0-\u00ff, ]+/g, '');
}

function grams(value: string, size: number): Map<string, number> {
  let padded = `-${normalise(value)}-`;
  while (padded.length < size) padded += '-';
  const counts = new Map<string, number>();
  for (let i = 0; i + size <= padded.length; i++) {
    const gram = padded.slice(i, i + size);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function norm(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const c of counts.values()) sum += c * c;
  return Math.sqrt(sum);
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** 1 - Levenshtein distance / longer length, on the lower-cased names (punctuation kept, as fuzzyset does). */
function similarity(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const longest = Math.max(x.length, y.length);
  return longest === 0 ? 1 : 1 - levenshtein(x, y) / longest;
}

/** The candidates that match `value`, best first, with their scores of at least `minScore`. */
export function fuzzyMatches(
  candidates: readonly string[],
  value: string,
  minScore = 0.33,
): { score: number; value: string }[] {
  const unique = [...new Set(candidates)];
  for (const size of GRAM_SIZES) {
    const mine = grams(value, size);
    const mineNorm = norm(mine);
    const cosine = unique
      .map((candidate) => {
        const theirs = grams(candidate, size);
        let dot = 0;
        for (const [gram, count] of mine) dot += count * (theirs.get(gram) ?? 0);
        const denominator = mineNorm * norm(theirs);
        return { score: denominator === 0 ? 0 : dot / denominator, value: candidate };
      })
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score);
    const rescored = cosine
      .slice(0, 50)
      .map((r) => ({ score: similarity(value, r.value), value: r.value }))
      .sort((a, b) => b.score - a.score)
      .filter((r) => r.score >= minScore);
    if (rescored.length > 0) return rescored;
  }
  return [];
}

/** The best match of at least `minScore`, or undefined. */
export function closest(candidates: readonly string[], value: string, minScore = 0.33): string | undefined {
  return fuzzyMatches(candidates, value, minScore)[0]?.value;
}
