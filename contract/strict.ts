import { z } from 'zod';

/**
 * Levenshtein distance between two strings: the fewest single-character insertions, deletions and
 * substitutions that turn `a` into `b` (O(|a|·|b|) time, O(|b|) memory).
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `word` by {@link editDistance} (compared case-insensitively), when it is
 * close enough to be a plausible typo: at most max(2, ⌊|word|/3⌋) edits. Ties go to the earlier
 * candidate. Null when nothing is that close.
 */
export function closestName(word: string, candidates: readonly string[]): string | null {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}

/**
 * The message of unknown keys in one object: for one key a suggestion when a known key is a plausible
 * typo (`unknown key (did you mean \`epochs\`?)`; the issue's path names the key itself), else the list
 * of known keys; several keys are named one by one.
 */
export function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  const hint = (key: string): string => {
    const suggestion = closestName(key, allowed);
    return suggestion ? `did you mean \`${suggestion}\`?` : `known keys: ${allowed.join(', ')}`;
  };
  if (keys.length === 1) return `unknown key (${hint(keys[0]!)})`;
  return `unknown keys: ${keys.map((key) => `\`${key}\` (${hint(key)})`).join(', ')}`;
}

/**
 * A zod object that refuses keys its shape does not name (instead of dropping them silently), with a
 * message that suggests the closest known key (see {@link unknownKeysMessage}); `describeIssues`
 * reports a single unknown key at its own dotted path (`train.epochz`). Used for
 * every object a user writes (experiment, network, sweep files; API requests).
 */
export function strictObject<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowed) : undefined),
  });
}
