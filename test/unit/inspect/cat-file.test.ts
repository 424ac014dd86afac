import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { dir, file, image, link, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13, 0x80]);

async function sample(): Promise<string> {
  return writeTemp(
    await image(
      { records: [dir('etc'), file('etc/os-release', 'ID=early\n'), file('blob', BINARY)] },
      {
        records: [dir('etc'), file('etc/os-release', 'ID=late\n'), dir('usr'), dir('usr/lib'), file('usr/lib/real', 'real'), link('lib', 'usr/lib'), link('abs', '/lib/real'), link('gone', 'nothing')],
        format: 'xz',
      },
    ),
  );
}

describe('mkinitramfs-ts cat', () => {
  it('prints the bytes the later segment left, exactly, binary included', async () => {
    const img = await sample();
    expect((await runCli('cat', img, '/etc/os-release')).out).toBe('ID=late\n');
    expect((await runCli('cat', img, 'blob')).stdout.equals(BINARY)).toBe(true);
  });

  it('follows symlinks inside the image, absolute ones from the image root', async () => {
    const img = await sample();
    expect((await runCli('cat', img, '/lib/real')).out).toBe('real');
    expect((await runCli('cat', img, '/abs')).out).toBe('real');
  });

  it('names the path and the image when the path is missing or dangling, with the not-found exit code', async () => {
    const img = await sample();
    const missing = await runCli('cat', img, '/etc/shadow');
    expect(missing.code).toBe(ExitCode.notFound);
    expect(missing.err).toBe(`mkinitramfs-ts: /etc/shadow does not exist in ${img} (list the image with 'mkinitramfs-ts ls ${img}')\n`);
    const dangling = await runCli('cat', img, 'gone');
    expect([dangling.code, dangling.err]).toEqual([ExitCode.notFound, expect.stringContaining('/gone is a symlink to nothing')]);
    const directory = await runCli('cat', img, '/usr');
    expect([directory.code, directory.err]).toEqual([ExitCode.usage, expect.stringContaining('/usr is a directory')]);
  });

  it('reports a missing image file as not found', async () => {
    const { code, err } = await runCli('cat', '/nonexistent/initrd.img', '/init');
    expect(code).toBe(ExitCode.notFound);
    expect(err).toContain('/nonexistent/initrd.img: no such file');
  });
});
