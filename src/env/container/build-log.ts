/** What a source build's log says: ninja progress, the first compiler error, ccache figures (containers/source-build.sh writes it). */
import { failureLine } from './base-image.js';

/** A ninja status line as source-build.sh asks for it: `[done/total elapsed s] description`. */
export function parseProgress(line: string): { done: number; total: number; seconds: number } | null {
  const m = /^\[(\d+)\/(\d+) ([\d.]+)s\] /.exec(line);
  return m ? { done: Number(m[1]), total: Number(m[2]), seconds: Number(m[3]) } : null;
}

export interface BuildFailure {
  /** The source file whose compile failed (relative to the tree), or the ninja target. */
  file: string | null;
  /** The first compiler error line, or the best line that says why. */
  error: string;
}

/**
 * The first failure in a build log: ninja's `FAILED: <target>`, then the first
 * `file:line:col: error: …` (or `fatal error`) after it; a link error or a configure error
 * otherwise.
 */
export function parseBuildFailure(log: string): BuildFailure {
  // eslint-disable-next-line no-control-regex
  const lines = log.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const failed = lines.findIndex((l) => l.startsWith('FAILED: '));
  const after = failed >= 0 ? lines.slice(failed + 1) : lines;
  const compilerRe = /^(?:\.\.\/)*(\S+?):(\d+)(?::(\d+))?: (?:fatal )?error: (.*)$/;
  for (const l of after) {
    const m = compilerRe.exec(l.trim());
    if (m) return { file: cleanPath(m[1]!), error: `${cleanPath(m[1]!)}:${m[2]}${m[3] ? `:${m[3]}` : ''}: error: ${m[4]}` };
  }
  if (failed >= 0) {
    const target = lines[failed]!.slice('FAILED: '.length).trim();
    const why = after.find((l) => /undefined reference|error:|Error \d|\berror\b/i.test(l) && !l.startsWith('FAILED: '));
    const sourceOfTarget = /CMakeFiles\/[^/]+\.dir\/(.+)\.o$/.exec(target);
    return { file: sourceOfTarget ? sourceOfTarget[1]! : target, error: (why ?? failureLine(after.join('\n')) ?? 'no error line in the log').trim() };
  }
  const cmake = lines.findIndex((l) => /^CMake Error/.test(l));
  if (cmake >= 0) {
    const detail = lines.slice(cmake + 1).find((l) => l.trim())?.trim();
    return { file: null, error: `${lines[cmake]!.trim()}${detail ? ` ${detail}` : ''}` };
  }
  return { file: null, error: failureLine(log) ?? 'no error line in the log' };
}

/** `/build/tvm/src/x.cc` → `src/x.cc` (the tree's path inside the builder). */
function cleanPath(p: string): string {
  return p.replace(/^\/build\/tvm\//, '');
}

/** The `ccache: direct_cache_hit=N preprocessed_cache_hit=N cache_miss=N` line source-build.sh prints. */
export function parseCcacheStats(log: string): { ccacheHits: number | null; ccacheMisses: number | null } {
  const line = log.split('\n').reverse().find((l) => l.startsWith('ccache: '));
  const get = (key: string): number | null => {
    const m = line ? new RegExp(`\\b${key}=(\\d+)`).exec(line) : null;
    return m ? Number(m[1]) : null;
  };
  const direct = get('direct_cache_hit');
  const pre = get('preprocessed_cache_hit');
  const miss = get('cache_miss');
  return { ccacheHits: direct === null && pre === null ? null : (direct ?? 0) + (pre ?? 0), ccacheMisses: miss };
}

export function formatElapsed(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
