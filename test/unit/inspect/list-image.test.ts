import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { modeString } from '../../../src/inspect/mode-string.js';
import { chardev, dir, file, image, link, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

describe('modeString', () => {
  it('renders types, permissions and the setuid, setgid and sticky bits as ls -l does', () => {
    expect(modeString('file', 0o100644)).toBe('-rw-r--r--');
    expect(modeString('dir', 0o41777)).toBe('drwxrwxrwt');
    expect(modeString('dir', 0o41776)).toBe('drwxrwxrwT');
    expect(modeString('file', 0o106755)).toBe('-rwsr-sr-x');
    expect(modeString('file', 0o106644)).toBe('-rwSr-Sr--');
    expect(modeString('symlink', 0o120777)).toBe('lrwxrwxrwx');
    expect(modeString('chardev', 0o20600)).toBe('crw-------');
    expect(modeString('blockdev', 0o60660)).toBe('brw-rw----');
  });
});

describe('mkinitramfs-ts ls', () => {
  it('lists every entry per segment with mode, owner, size or device numbers, and link targets', async () => {
    const img = writeTemp(
      await image(
        { records: [dir('kernel'), file('kernel/ucode.bin', 'UCODE')] },
        { records: [dir('bin'), file('bin/busybox', 'BUSYBOX!', 0o755), link('bin/sh', 'busybox'), dir('dev'), chardev('dev/console', 5, 1)], format: 'gzip' },
      ),
    );
    const { code, out } = await runCli('ls', img);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^segment 1: uncompressed, offset 0, \d+ bytes, 1 archive, 2 entries$/);
    expect(lines.slice(1, 3)).toEqual(['drwxr-xr-x    0    0 0 kernel', '-rw-r--r--    0    0 5 kernel/ucode.bin']);
    expect(lines[3]).toMatch(/^segment 2: gzip, offset \d+, \d+ bytes, 1 archive, 5 entries$/);
    expect(lines.slice(4)).toEqual([
      'drwxr-xr-x    0    0   0 bin',
      '-rwxr-xr-x    0    0   8 bin/busybox',
      'lrwxrwxrwx    0    0   7 bin/sh -> busybox',
      'drwxr-xr-x    0    0   0 dev',
      'crw-------    0    0 5,1 dev/console',
      '',
    ]);
  });

  it('prints JSON with the segment offsets and compression', async () => {
    const bytes = await image({ records: [file('a', 'x')] }, { records: [link('b', 'a')], format: 'zstd' });
    const { out } = await runCli('ls', '--json', writeTemp(bytes));
    const parsed = JSON.parse(out) as { segments: Array<{ offset: number; end: number; compression: string; entries: Array<{ path: string; target?: string }> }> };
    expect(parsed.segments.map((s) => [s.compression, s.entries.map((e) => e.path)])).toEqual([
      ['none', ['a']],
      ['zstd', ['b']],
    ]);
    expect(parsed.segments[1]?.offset).toBe(parsed.segments[0]?.end);
    expect(parsed.segments[1]?.end).toBe(bytes.length);
    expect(parsed.segments[1]?.entries[0]?.target).toBe('a');
  });

  it('fails with the bad-image exit code and one line on a file that is no initramfs', async () => {
    const { code, err } = await runCli('ls', writeTemp(Buffer.from('hello, not an image')));
    expect(code).toBe(ExitCode.badImage);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('not an initramfs image or corrupt');
  });
});
