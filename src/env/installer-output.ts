/** Turns an installer's stderr into the one line worth showing in an error. */

const DECORATION_RE = /^[\s×╰─▶│|]+/;
const NOISE_RE = /^(hint:|\[notice\]|Using Python|Using CPython|Resolved |Prepared |Installed |Audited )/i;

export function lastMeaningfulLine(stderr: string): string | null {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.replace(DECORATION_RE, '').trim())
    .filter((l) => l !== '' && !NOISE_RE.test(l));
  const last = lines[lines.length - 1];
  if (last === undefined) return null;
  // uv prints "error: X" then "cause: Y"; either half alone reads badly.
  const cause = /^(?:caused by|cause):\s*(.*)$/i.exec(last);
  const error = lines.slice(0, -1).reverse().find((l) => /^error:/i.test(l));
  if (cause && error) return `${error.replace(/^error:\s*/i, '')}: ${cause[1]}`;
  return last.replace(/^error:\s*/i, '');
}
