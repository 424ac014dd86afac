import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireBuildLock, lockPath } from '../../../src/output/build-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const target = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mkinitramfs-lock-'));
  dirs.push(d);
  return join(d, 'initrd.img');
};

describe('acquireBuildLock', () => {
  it('serialises two holders: the second waits until the first releases', async () => {
    const t = target();
    const release1 = await acquireBuildLock(t);
    expect(existsSync(lockPath(t))).toBe(true);
    let second = false;
    const waiting = acquireBuildLock(t, { pollMs: 10 }).then((r) => ((second = true), r));
    await new Promise((r) => setTimeout(r, 100));
    expect(second).toBe(false);
    release1();
    const release2 = await waiting;
    release2();
    expect(readdirSync(join(t, '..'))).toEqual([]);
  });

  it('takes over a lock of a dead process or of another boot', async () => {
    const t = target();
    const dead = spawnSync('true').pid as number;
    writeFileSync(lockPath(t), `${dead} x 0\n`);
    (await acquireBuildLock(t, { timeoutMs: 1000 }))();
    writeFileSync(lockPath(t), `${process.pid} another-boot 0\n`);
    (await acquireBuildLock(t, { timeoutMs: 1000 }))();
    expect(readdirSync(join(t, '..'))).toEqual([]);
  });

  it('gives up with an OutputError naming the holder, after telling it waits', async () => {
    const t = target();
    const live = (await import('node:fs')).readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(lockPath(t), `1 ${live} 0\n`);
    const told: string[] = [];
    await expect(acquireBuildLock(t, { pollMs: 50, timeoutMs: 1200, onWait: (m) => told.push(m) })).rejects.toThrow('another build (pid 1) still holds the lock');
    expect(told).toEqual([`waiting for pid 1, which is building ${t}`]);
  });
});
