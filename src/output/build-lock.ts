// Serialises builds of one image: `.NAME.lock` beside the target, created with O_EXCL, holds the
// builder's pid, boot id and start time. A lock whose process is gone (or from another boot) is
// taken over: renamed aside, and removed only if it is still the very file found stale.
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OutputError, writeRefusedHint } from '../errors.js';
import { processAlive } from './atomic-write.js';
import { removeOnSignal } from './signal-cleanup.js';

export interface LockOptions {
  pollMs?: number;
  timeoutMs?: number;
  /** Told once, after a second of waiting, which process holds the lock. */
  onWait?: (message: string) => void;
}

export const lockPath = (target: string): string => join(dirname(target), `.${basename(target)}.lock`);

/** Waits for the lock of `target`; the returned function releases it. */
export async function acquireBuildLock(target: string, opts: LockOptions = {}): Promise<() => void> {
  const lock = lockPath(target);
  const mine = `${process.pid} ${_bootId()} ${Date.now()}\n`;
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, mine, { flag: 'wx', mode: 0o600 });
      const forget = removeOnSignal(lock);
      return () => {
        forget();
        if (_read(lock) === mine) fs.rmSync(lock, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw _lockError(err, target);
    }
    const holder = _holder(lock);
    if (holder.stale) {
      _takeOver(lock, holder.ino);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= (opts.timeoutMs ?? 600_000))
      throw new OutputError(`${lock}: another build (pid ${holder.pid}) still holds the lock after ${Math.round(waited / 1000)} s: wait for it or stop it`, lock);
    if (!told && waited >= 1000) {
      told = true;
      opts.onWait?.(`waiting for pid ${holder.pid}, which is building ${target}`);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}

function _holder(lock: string): { pid: number; stale: boolean; ino: number } {
  const st = fs.lstatSync(lock, { throwIfNoEntry: false });
  if (!st) return { pid: 0, stale: false, ino: 0 }; // released meanwhile: try again
  const [pid, boot] = (_read(lock) ?? '').split(' ');
  const n = Number(pid);
  // a lock still being written (empty) is young; an unreadable old one is stale
  if (!Number.isSafeInteger(n) || n <= 0) return { pid: 0, stale: Date.now() - st.mtimeMs > 10_000, ino: st.ino };
  return { pid: n, stale: boot !== _bootId() || !processAlive(n), ino: st.ino };
}

function _takeOver(lock: string, ino: number): void {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // someone else took it over first
  }
  if (fs.lstatSync(aside).ino !== ino) {
    // a new, live lock replaced the stale one between our look and the rename: put it back
    try {
      fs.linkSync(aside, lock);
    } catch {
      // a third builder created one meanwhile; it holds the lock now
    }
  }
  fs.rmSync(aside, { force: true });
}

function _lockError(err: unknown, target: string): OutputError {
  const dir = dirname(target);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new OutputError(`${dir}: no such directory: create it or choose another output path`, dir);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new OutputError(`${target}: no space left on device: free some space or choose another output path`, target);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new OutputError(`${dir}: cannot write there, ${writeRefusedHint(code)}`, target);
  return new OutputError(`${dir}: cannot write there (${code ?? String(err)}): choose another output path`, target);
}

function _read(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function _bootId(): string {
  return (_read('/proc/sys/kernel/random/boot_id') ?? 'unknown').trim();
}
