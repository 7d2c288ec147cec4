/**
 * Runs `task` soon after every kick, but at most one run per `intervalMs` and never two at once.
 * When idle a kick starts a run at once; under load kicks coalesce into one run per interval.
 * Every kick is followed by a run that STARTS after it, so work committed before a kick is
 * always picked up. For after-commit housekeeping (chain sealing) that must be eventually
 * complete but need not run once per request. `task` must not reject.
 */
export function throttledRunner(task: () => Promise<unknown>, intervalMs: number): () => void {
  let lastStart = -Infinity;
  let running = false;
  let pending = false;
  let timer: NodeJS.Timeout | null = null;

  const start = () => {
    timer = null;
    running = true;
    pending = false;
    lastStart = Date.now();
    void task().finally(() => {
      running = false;
      if (pending) kick();
    });
  };

  function kick(): void {
    if (running) {
      pending = true;
      return;
    }
    if (timer) return;
    const wait = lastStart + intervalMs - Date.now();
    if (wait <= 0) {
      start();
      return;
    }
    timer = setTimeout(start, wait);
    // A pending seal must not keep a finished process alive; verify seals whatever is left.
    timer.unref();
  }

  return kick;
}

/** One throttled runner per key object (e.g. per database handle). */
export function throttledPerKey<K extends object>(
  task: (key: K) => Promise<unknown>,
  intervalMs: number,
): (key: K) => void {
  const runners = new WeakMap<K, () => void>();
  return (key) => {
    let kick = runners.get(key);
    if (!kick) {
      kick = throttledRunner(() => task(key), intervalMs);
      runners.set(key, kick);
    }
    kick();
  };
}
