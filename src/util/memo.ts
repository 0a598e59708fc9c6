/**
 * Memoises an async lookup by key, but forgets a failure: the user may fix the cause (PATH, a
 * stopped daemon) and the next call in the same process must try again.
 */
export function memoizeAsync<K, V>(lookup: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const memo = new Map<K, Promise<V>>();
  return (key) => {
    let found = memo.get(key);
    if (!found) {
      found = lookup(key);
      memo.set(key, found);
      found.catch(() => memo.delete(key));
    }
    return found;
  };
}

/** The first line of an error's message: child-process errors carry the whole output after it. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
