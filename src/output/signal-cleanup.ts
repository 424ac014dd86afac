// Files a build owns while it runs (its temp image, its lock): removed when SIGINT, SIGTERM or SIGHUP
// stops the build, which then exits with the conventional status 128 + the signal's number.
import { unlinkSync } from 'node:fs';

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNALS;

const owned = new Set<string>();

/** Removes `path` if a signal stops the process before the returned release function is called. */
export function removeOnSignal(path: string): () => void {
  if (owned.size === 0) for (const sig of Object.keys(SIGNALS) as Signal[]) process.on(sig, _onSignal);
  owned.add(path);
  return () => {
    if (!owned.delete(path) || owned.size > 0) return;
    for (const sig of Object.keys(SIGNALS) as Signal[]) process.off(sig, _onSignal);
  };
}

function _onSignal(sig: Signal): void {
  for (const path of owned) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  // a signal handler is the one place outside the CLI entry that ends the process: it must stop now
  process.exit(128 + SIGNALS[sig]);
}
