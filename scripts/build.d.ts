/** Types for scripts/build.js (plain JavaScript: it runs before anything is compiled). */
export declare const SOURCES: readonly string[];
export declare const STAMP: string;
/** Why `outDir` must be (re)built from the tree at `root`, or null when it is up to date. */
export declare function staleReason(root?: string, outDir?: string): string | null;
/** Compiles the tree at `root` into `outDir` and copies the run-time assets; throws when tsc fails. */
export declare function build(root?: string, outDir?: string): void;
/** Builds `outDir` when stale, under a lock; true when it compiled. */
export declare function buildIfStale(
  root?: string,
  outDir?: string,
  log?: (message: string) => void,
): boolean;
