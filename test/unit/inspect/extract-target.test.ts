// The directory extract writes into: made by us, or empty, the caller's and writable by nobody else,
// under directories nobody else can change. Refusals are one line, exit 12 (OutputError), nothing written.
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { file, image, tempDir, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

async function extractInto(out: string) {
  const img = writeTemp(await image({ records: [file('a', 'b')] }));
  return runCli('extract', img, out);
}

/** Refused: exit 12, one line naming `out` and `says`, and nothing written into it. */
async function expectRefused(out: string, says: string, before: string[] = []): Promise<void> {
  const { code, err } = await extractInto(out);
  expect(err).toContain(out);
  expect(err).toContain(says);
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(code).toBe(ExitCode.output);
  expect(readdirSync(out).sort()).toEqual(before);
}

describe('extract target directory', () => {
  it('creates a new directory, and accepts an empty one of the caller that only the caller can write', async () => {
    const made = join(tempDir(), 'new', 'deeper');
    expect((await extractInto(made)).code).toBe(0);
    expect(readdirSync(made)).toEqual(['a']);
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty, { mode: 0o700 });
    expect((await extractInto(empty)).code).toBe(0);
    expect(readdirSync(empty)).toEqual(['a']);
  });

  it('refuses an existing directory that is not empty', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'existing'), 'x');
    await expectRefused(out, 'is not empty: extract into a new or empty directory', ['existing']);
  });

  it('refuses a group- or world-writable empty directory', async () => {
    for (const mode of [0o770, 0o777, 0o1777]) {
      const out = join(tempDir(), 'shared');
      mkdirSync(out);
      chmodSync(out, mode);
      await expectRefused(out, `is writable by others (mode ${mode.toString(8).padStart(4, '0')}): run chmod go-w`);
    }
  });

  it.runIf(asRoot)('refuses an empty directory that belongs to another user', async () => {
    const out = join(tempDir(), 'theirs');
    mkdirSync(out, { mode: 0o755 });
    chownSync(out, NOBODY, NOBODY);
    await expectRefused(out, `belongs to uid ${NOBODY}, not to you (uid 0)`);
  });

  it('refuses a symlink to an empty directory of the caller', async () => {
    const base = tempDir();
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync('real', join(base, 'link'));
    const { code, err } = await extractInto(join(base, 'link'));
    expect([code, err.trim()]).toEqual([ExitCode.output, `mkinitramfs-ts: ${join(base, 'link')} is a symlink: extract into a new directory, which is created for you (nothing was written)`]);
    expect(readdirSync(join(base, 'real'))).toEqual([]);
  });

  it.runIf(asRoot)('refuses a target under a directory someone else could change, and accepts one under a sticky one', async () => {
    const base = tempDir();
    const theirs = join(base, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, NOBODY, NOBODY);
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    for (const [parent, why] of [[theirs, `is owned by uid ${NOBODY}`], [open, 'is writable by others (mode 0777) without the sticky bit']] as const) {
      const out = join(parent, 'x');
      const { code, err } = await extractInto(out);
      expect(err).toContain(`${out}: the directory above it, ${parent}, ${why}`);
      expect(code).toBe(ExitCode.output);
      expect(existsSync(out)).toBe(false);
    }
    chmodSync(open, 0o1777); // like /tmp: others cannot move what is not theirs
    expect((await extractInto(join(open, 'x'))).code).toBe(0);
    expect(statSync(join(open, 'x', 'a')).isFile()).toBe(true);
  });
});
