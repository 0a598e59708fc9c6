import { createTwoFilesPatch } from 'diff';

/** Unified diff of two texts, labelled with the environments they come from. */
export function unifiedDiff(before: string, after: string, beforeLabel: string, afterLabel: string): string {
  const patch = createTwoFilesPatch(beforeLabel, afterLabel, ensureNewline(before), ensureNewline(after), '', '', { context: 3 });
  // Drop the "Index:"/"====" preamble; keep ---/+++ and the hunks.
  return patch
    .split('\n')
    .filter((l) => !(l.startsWith('Index:') || l.startsWith('===')))
    .map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.trimEnd() : l))
    .join('\n')
    .trimEnd();
}

const ensureNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
