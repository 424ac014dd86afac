// A sysroot whose host has a non-US console keyboard: a fixture sysroot cloned with hard links (never
// written through: only new files are added) plus console-data's keymaps and the keyboard settings
// given (/etc/vconsole.conf, /etc/default/keyboard, ...). Cached under cacheDir() by a hash of its inputs.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withFileLock } from '../file-lock.js';
import { cacheDir, consoleDataRoot } from '../fixtures.js';

/** De-latin1 as a German user sets it in systemd's file. */
export const GERMAN_VCONSOLE = { '/etc/vconsole.conf': 'KEYMAP=de-latin1\n' };

export async function keymapSysroot(base: string, settings: Record<string, string>, withKeymaps = true): Promise<string> {
  const data = consoleDataRoot();
  const hash = createHash('sha256').update(JSON.stringify([base, statSync(base).ino, statSync(join(data, '.deb')).mtimeMs, settings, withKeymaps]));
  for (const stamp of ['.complete']) if (existsSync(join(base, stamp))) hash.update(String(statSync(join(base, stamp)).mtimeMs));
  const dir = join(cacheDir(), `keymap-sysroot-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, '.keymap-complete'))) return dir;
  return withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, '.keymap-complete'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync('cp', ['-al', '--no-target-directory', base, tmp]);
    if (withKeymaps) {
      rmSync(join(tmp, 'usr/share/keymaps'), { recursive: true, force: true });
      execFileSync('cp', ['-a', join(data, 'usr/share/keymaps'), join(tmp, 'usr/share/keymaps')]);
    }
    for (const [path, content] of Object.entries(settings)) {
      const target = join(tmp, path);
      mkdirSync(dirname(target), { recursive: true });
      rmSync(target, { force: true }); // a hard link into the fixture must not be written through
      writeFileSync(target, content);
    }
    writeFileSync(join(tmp, '.keymap-complete'), '');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  });
}
