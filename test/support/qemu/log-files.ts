// Where serial logs go: one fresh file per boot under the temp dir.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let _seq = 0;

export function newBootLogFile(name: string): string {
  const dir = join(tmpdir(), 'mkinitramfs-ts-boot-logs');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `${stamp}-${process.pid}-${++_seq}-${name.replace(/[^\w.-]+/g, '_')}.log`);
}
