// What is not an initramfs at all: an empty file, NULs only, /dev/null, a FIFO, a directory. Each
// command says so in one line and fails; nothing is read from what is not a regular file.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { tempDir, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

const commands = (img: string): string[][] => [['ls', img], ['cat', img, '/init'], ['verify', img], ['extract', img, join(tempDir(), 'x')], ['diff', img, img]];

describe('inputs that are not an initramfs', () => {
  it.each([
    ['an empty file', () => writeTemp(Buffer.alloc(0)), 'empty: not an initramfs image'],
    ['NUL bytes only', () => writeTemp(Buffer.alloc(4096)), 'only NUL bytes: not an initramfs image'],
    ['/dev/null', () => '/dev/null', 'not a regular file (a character device)'],
    ['a directory', () => tempDir(), 'not a regular file (a directory)'],
    ['a FIFO (nobody writes to it)', () => {
      const p = join(tempDir(), 'fifo');
      execFileSync('mkfifo', [p]);
      return p;
    }, 'not a regular file (a FIFO)'],
  ])('%s: every command fails with one line', async (_what, make, message) => {
    const img = make();
    for (const args of commands(img)) {
      const { code, out, err } = await runCli(...args);
      expect([args[0], code]).toEqual([args[0], ExitCode.badImage]);
      expect(out + err).toContain(message); // verify reports it as its problem on stdout
      expect(err.trim().split('\n')).toHaveLength(1);
      if (args[0] !== 'verify') expect(out).toBe('');
    }
    expect(existsSync(join(img, 'x'))).toBe(false);
  });
});
