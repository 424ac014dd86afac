// `ls -l`'s ten-character mode column: the file type letter, then rwx for owner, group and others,
// with setuid/setgid shown as s/S in the execute slot and the sticky bit as t/T.
import type { NewcFileType } from '../cpio/newc-format.js';

const TYPE_LETTER: Record<NewcFileType, string> = {
  file: '-',
  dir: 'd',
  symlink: 'l',
  chardev: 'c',
  blockdev: 'b',
  fifo: 'p',
  socket: 's',
};

export function modeString(type: NewcFileType, mode: number): string {
  const bit = (mask: number, letter: string): string => ((mode & mask) !== 0 ? letter : '-');
  const exec = (xMask: number, specialMask: number, special: string): string => {
    const x = (mode & xMask) !== 0;
    if ((mode & specialMask) === 0) return x ? 'x' : '-';
    return x ? special : special.toUpperCase();
  };
  return (
    TYPE_LETTER[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    exec(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    exec(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    exec(0o001, 0o1000, 't')
  );
}
