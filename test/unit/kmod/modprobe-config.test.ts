import { describe, expect, it } from 'vitest';
import { applyKernelCmdline } from '../../../src/kmod/kernel-cmdline.js';
import { emptyModprobeConfig, parseModprobeConfig, parseSoftdepValue } from '../../../src/kmod/modprobe-config.js';

describe('parseModprobeConfig', () => {
  it('parses each directive the way kmod does', () => {
    const c = emptyModprobeConfig();
    parseModprobeConfig(
      c,
      [
        '# comment',
        '  # not a comment in kmod: a bad line',
        'alias pci:v0000BEEF* my-driver',
        'alias usb:v1234p[0-9A-F]* usb-storage',
        'blacklist pcspkr',
        'options nvme-core\tmultipath=N\tio_timeout=30',
        'install fake-fs /bin/true --x',
        'remove fake-fs /bin/false',
        'softdep ext4 pre: crc32c-intel post: foo-bar',
        'softdep cifs gcm',
        'options lonely',
        'alias onlyone',
        'include /etc/other.conf',
        'options long \\',
        'continued=1',
        'escaped\\q line',
      ].join('\n'),
      'f.conf',
    );
    expect(c.aliases.map((a) => [a.pattern, a.module])).toEqual([
      ['pci:v0000BEEF*', 'my_driver'],
      ['usb:v1234p[0-9A-F]*', 'usb_storage'],
    ]);
    expect(c.aliases[1]?.glob.matches('usb:v1234pAB12d0100')).toBe(true);
    expect(c.blacklist).toEqual(['pcspkr']);
    expect(c.options).toEqual([
      { module: 'nvme_core', options: 'multipath=N io_timeout=30' },
      { module: 'long', options: 'continued=1' },
    ]);
    expect(c.install.map((x) => [x.pattern, x.command])).toEqual([['fake_fs', '/bin/true --x']]);
    expect(c.remove.map((x) => [x.pattern, x.command])).toEqual([['fake_fs', '/bin/false']]);
    expect(c.softdeps.map((s) => [s.pattern, s.pre, s.post])).toEqual([
      ['ext4', ['crc32c-intel'], ['foo-bar']],
      ['cifs', [], []],
    ]);
    expect(c.warnings).toEqual([
      "f.conf line 2: ignoring bad line starting with '#'",
      "f.conf line 11: ignoring bad line starting with 'options'",
      "f.conf line 12: ignoring bad line starting with 'alias'",
      'f.conf: command include is deprecated and not parsed anymore',
      "f.conf line 16: ignoring bad line starting with 'escapedq'",
    ]);
  });

  it('reads softdep values: names before pre:/post: are dropped', () => {
    expect(parseSoftdepValue('a pre: b c post: d pre: e')).toEqual({ pre: ['b', 'c', 'e'], post: ['d'] });
    expect(parseSoftdepValue('pre:x')).toEqual({ pre: [], post: [] });
  });
});

describe('applyKernelCmdline', () => {
  it('takes module.param[=value] words and modprobe.blacklist=, ignores the rest', () => {
    const c = emptyModprobeConfig();
    applyKernelCmdline(c, 'root=/dev/sda1 nvme-core.multipath=N usbcore.autosuspend "dyn.dbg=file a.c +p" 0.0.0.0:80 a=b.c modprobe.blacklist=x,y quiet');
    expect(c.options).toEqual([
      { module: 'nvme_core', options: 'multipath=N' },
      { module: 'usbcore', options: 'autosuspend' },
      { module: 'dyn', options: 'dbg="file a.c +p"' },
    ]);
    expect(c.blacklist).toEqual(['x', 'y']);
  });
});
