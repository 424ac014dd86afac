// Every qemu this process started and that has not exited yet, so none outlives the test run. The
// 'exit' hook covers a normal exit (also process.exit); a killed worker is covered by spawning qemu
// under `setpriv --pdeathsig KILL` (see qemu-process.ts), since a SIGKILLed node runs no hook at all.
import type { ChildProcess } from 'node:child_process';

const _live = new Set<ChildProcess>();
let _hooked = false;

export function trackChild(child: ChildProcess): void {
  _live.add(child);
  child.once('exit', () => _live.delete(child));
  if (!_hooked) {
    _hooked = true;
    process.once('exit', killAllChildren);
  }
}

export function killAllChildren(): void {
  for (const child of _live) child.kill('SIGKILL');
  _live.clear();
}

export function liveChildCount(): number {
  return _live.size;
}
