type Holder = Record<string, unknown>;

const UNSAFE = new Set(['', '__proto__', 'constructor', 'prototype']);

/** `periods[0][from]` → ['periods', '0', 'from']; undefined for a name that is not of that form. */
function pathOf(name: string): string[] | undefined {
  const parts = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!parts) return undefined;
  const path = [parts[1]!, ...[...parts[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
  return path.some((p) => UNSAFE.has(p)) ? undefined : path;
}

/**
 * Reads a GET form's query string with nested names (`wage[amount]`, `periods[0][from]`) into
 * objects and arrays, as express.urlencoded does for a posted form (Express's own query parser
 * keeps such names flat). An index of `maxIndex` or more is dropped; gaps are closed.
 */
export function nestedQuery(search: string, maxIndex = 300): Holder {
  const out: Holder = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const path = pathOf(name);
    if (!path || path.some((p) => /^\d+$/.test(p) && Number(p) >= maxIndex)) continue;
    let at: Holder = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) at[part] = value;
      else {
        const next = at[part];
        at = (next && typeof next === 'object' ? next : (at[part] = {})) as Holder;
      }
    }
  }
  return arraysOf(out) as Holder;
}

/** Objects keyed 0, 1, 2… become arrays, in index order. */
function arraysOf(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Holder).map(([k, v]) => [k, arraysOf(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k)))
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  return Object.fromEntries(entries);
}
