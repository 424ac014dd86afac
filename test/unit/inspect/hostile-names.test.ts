// Entry names with terminal escapes and newlines reach the terminal only as visible escapes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../../../src/cpio/newc-format.js';
import { escapeControl } from '../../../src/escape-control.js';
import { rawArchive, tempDir, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

const CLEAR = '\u001b[2J';
const FORGED = 'x\nsegment 2: forged line';

const hostile = (): string =>
  writeTemp(
    rawArchive([
      { name: `evil${CLEAR}`, mode: S_IFREG | 0o644, data: Buffer.from('a') },
      { name: FORGED, mode: S_IFREG | 0o644, data: Buffer.from('b') },
      { name: 'lnk', mode: S_IFLNK | 0o777, data: Buffer.from(`t${CLEAR}`) },
      { name: 'd', mode: S_IFDIR | 0o755 },
      { name: `nowhere${CLEAR}/f`, mode: S_IFREG | 0o644 },
    ]),
  );

const raw = (s: string): boolean => s.includes('\u001b') || s.includes('\nsegment 2: forged');

describe('escapeControl', () => {
  it('shows control characters, DEL, C1 and bidi overrides as escapes, and leaves the rest', () => {
    expect(escapeControl(`a${CLEAR}\n\t\r\u007f\u009b\u202eé日本`)).toBe('a\\x1b[2J\\n\\t\\r\\x7f\\x9b\\u202eé日本');
  });
});

describe('inspect commands print hostile names escaped', () => {
  it('ls, diff, extract, verify and cat errors', async () => {
    const img = hostile();
    const other = writeTemp(rawArchive([{ name: 'init', mode: S_IFREG | 0o755, data: Buffer.from('#!/bin/sh\n') }]), 'b.img');
    const ls = await runCli('ls', img);
    expect(ls.out).toContain('evil\\x1b[2J');
    expect(ls.out).toContain('x\\nsegment 2: forged line');
    expect(ls.out).toContain('-> t\\x1b[2J');
    const diff = await runCli('diff', img, other);
    expect(diff.out).toContain('- /evil\\x1b[2J');
    const extract = await runCli('extract', img, join(tempDir(), 'x'));
    expect(extract.err).toContain('nowhere\\x1b[2J/f');
    const verify = await runCli('verify', img);
    const cat = await runCli('cat', img, `/missing${CLEAR}`);
    expect(cat.err).toContain('/missing\\x1b[2J');
    for (const r of [ls, diff, extract, verify, cat]) expect([raw(r.out), raw(r.err)]).toEqual([false, false]);
  });
});
