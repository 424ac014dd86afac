// A lock file shared between processes (vitest runs test files in parallel workers), so a slow
// artefact is built once. A lock whose owner has died is taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const _POLL_MS = 250;

export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, waitMs = 30 * 60_000): Promise<T> {
  mkdirSync(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + waitMs;
  while (!_tryAcquire(lockPath)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for the lock ${lockPath}`);
    await sleep(_POLL_MS);
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function _tryAcquire(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!_ownerAlive(lockPath)) rmSync(lockPath, { force: true });
  return false;
}

function _ownerAlive(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath, 'utf8'));
  } catch {
    return true; // vanished or being written: look again on the next poll
  }
  if (!Number.isInteger(pid) || pid <= 0) return true; // being written
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
