// The command-line functions of cmdline.sh under the image's busybox, in a fake root whose
// /proc/cmdline and /etc/cmdline.d the test writes: the embedded defaults come first, the kernel's
// words after (last wins), bare keys are "1", and nothing in a value is ever executed or glob-expanded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRoot, q } from './fake-root.js';

let fr: FakeRoot;
beforeEach(() => {
  fr = FakeRoot.create();
});
afterEach(() => fr.cleanup());

/** Run `script` after read_cmdline with the kernel command line `kernel`. */
const withCmdline = (kernel: string, script: string, env: Record<string, string> = {}) => {
  fr.file('/proc/cmdline', `${kernel}\n`);
  return fr.sh(`read_cmdline\n${script}`, env);
};
/** `argval KEY` and, when it finds KEY, the value it set. */
const show = (key: string): string => `argval ${key} && printf '%s\\n' "$ARGVAL"`;
const arg = (kernel: string, key: string): { status: number | null; value: string } => {
  const r = withCmdline(kernel, show(q(key)));
  return { status: r.status, value: r.stdout };
};

describe('read_cmdline', () => {
  it('reads the embedded defaults (cmdline.d, comments and blank lines skipped) and then the kernel’s words', () => {
    fr.file('/etc/cmdline.d/00-mkinitramfs-ts.conf', 'root=UUID=embedded rd.shell=0\n# root=UUID=commented\n\nquiet\n');
    fr.file('/etc/cmdline.d/10-extra.conf', 'rd.timeout=5'); // no final newline
    fr.file('/etc/cmdline.d/20-ignored.txt', 'rd.timeout=99\n'); // not *.conf
    const out = withCmdline('BOOT_IMAGE=/vmlinuz root=/dev/vda2 ro', [
      'printf "[%s]\\n" "$CMDLINE"',
      ...['root', 'rd.shell', 'rd.timeout', 'quiet', 'ro'].map(show),
    ].join('\n'));
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(' root=UUID=embedded rd.shell=0 quiet rd.timeout=5 BOOT_IMAGE=/vmlinuz root=/dev/vda2 ro'.replace(/^/, '[') + ']\n' + '/dev/vda2\n0\n5\n1\n1\n');
  });

  it('the kernel’s value wins over the embedded default', () => {
    fr.file('/etc/cmdline.d/00-mkinitramfs-ts.conf', 'root=UUID=embedded\n');
    expect(withCmdline('root=PARTUUID=kernel', show('root')).stdout).toBe('PARTUUID=kernel\n');
    expect(withCmdline('quiet', show('root')).stdout).toBe('UUID=embedded\n');
  });

  it('a /proc/cmdline without a final newline is still read', () => {
    fr.file('/proc/cmdline', 'root=/dev/sda1');
    expect(fr.out(`read_cmdline; ${show('root')}`)).toBe('/dev/sda1\n');
  });
});

describe('argval', () => {
  it('returns the last value of KEY', () => {
    expect(arg('root=/dev/sda1 quiet root=UUID=abc', 'root')).toEqual({ status: 0, value: 'UUID=abc\n' });
  });

  it('returns 1 for a bare KEY, and a later KEY=VALUE overrides it', () => {
    expect(arg('quiet rd.break', 'rd.break')).toEqual({ status: 0, value: '1\n' });
    expect(arg('rd.break rd.break=mount', 'rd.break')).toEqual({ status: 0, value: 'mount\n' });
    expect(arg('rd.break=mount rd.break', 'rd.break')).toEqual({ status: 0, value: '1\n' });
  });

  it('status 1 and no output when absent; a key is never matched as a prefix', () => {
    expect(arg('rootfstype=ext4 rootdelay=5 rootflags=x', 'root')).toEqual({ status: 1, value: '' });
    expect(arg('root=/dev/sda1', 'roo')).toEqual({ status: 1, value: '' });
    expect(arg('xroot=/dev/sda1', 'root')).toEqual({ status: 1, value: '' });
  });

  it('keeps everything after the first "=", and an empty value is present but empty', () => {
    expect(arg('rootflags=data=journal,errors=remount-ro', 'rootflags')).toEqual({ status: 0, value: 'data=journal,errors=remount-ro\n' });
    expect(arg('root= quiet', 'root')).toEqual({ status: 0, value: '\n' });
  });

  it('a key with regex or glob characters is matched literally', () => {
    expect(arg('rd.luks.uuid=1 rdXluks.uuid=2', 'rd.luks.uuid')).toEqual({ status: 0, value: '1\n' });
    expect(arg('abc=1', 'a*')).toEqual({ status: 1, value: '' });
  });
});

describe('getargs', () => {
  it('collects every value, splitting commas', () => {
    const r = withCmdline('rd.driver.pre=a,b quiet rd.driver.pre=c', 'set -- $(getargs rd.driver.pre); echo "$#:$*"');
    expect(r.stdout).toBe('3:a b c\n');
  });

  it('status 1 when absent', () => {
    expect(withCmdline('quiet', 'getargs rd.driver.pre').status).toBe(1);
  });
});

describe('getargbool', () => {
  const cases: [string, string, boolean][] = [
    ['', '0', false],
    ['', '1', true],
    ['rd.shell', '0', true],
    ['rd.shell=1', '0', true],
    ['rd.shell=yes', '0', true],
    ['rd.shell=0', '1', false],
    ['rd.shell=no', '1', false],
    ['rd.shell=off', '1', false],
    ['rd.shell=false', '1', false],
    ['rd.shell=0 rd.shell=1', '0', true],
    ['rd.shell=1 rd.shell=0', '1', false],
  ];
  for (const [cmdline, def, want] of cases) {
    it(`getargbool ${def} rd.shell with "${cmdline}" is ${want}`, () => {
      expect(withCmdline(cmdline, `getargbool ${def} rd.shell`).status).toBe(want ? 0 : 1);
    });
  }
});

describe('root_timeout', () => {
  const timeout = (cmdline: string, env: Record<string, string> = {}) => {
    const r = withCmdline(cmdline, 'root_timeout; echo "$ROOT_TIMEOUT_S"', env);
    return { out: r.stdout.trim(), err: r.stderr };
  };

  it('rd.timeout, else rootdelay, else rd.retry, else ROOT_TIMEOUT from image.conf, else 60', () => {
    expect(timeout('rd.timeout=30 rootdelay=10').out).toBe('30');
    expect(timeout('rootdelay=10 rd.retry=7').out).toBe('10');
    expect(timeout('rd.retry=7').out).toBe('7');
    expect(timeout('quiet', { ROOT_TIMEOUT: '45' }).out).toBe('45');
    expect(timeout('quiet').out).toBe('60');
  });

  it('rejects what is not a whole number of seconds, with a warning, and falls through', () => {
    for (const bad of ['abc', '-5', '1e3', '2.5', '', '0x10', '10s', '$(echo${IFS}5)', '`echo${IFS}5`']) {
      const r = timeout(`rd.timeout=${bad} rootdelay=12`);
      expect(r.out, bad).toBe('12');
      expect(r.err, bad).toContain(`ignoring rd.timeout=${bad}: not a number of seconds`);
    }
    expect(timeout('rd.timeout=soon').out).toBe('60');
  });

  it('the last rd.timeout counts, even when an earlier one was valid', () => {
    expect(timeout('rd.timeout=5 rd.timeout=bad rootdelay=9').out).toBe('9');
  });
});

describe('stage_break', () => {
  const breaks = (cmdline: string): string[] => {
    const stages = ['cmdline', 'pre-trigger', 'pre-mount', 'mount', 'pre-pivot'];
    const script = `interactive_shell() { echo "shell"; }\nfor s in ${stages.join(' ')}; do [ -n "$(stage_break $s 2>/dev/null)" ] && echo "$s"; done`;
    return withCmdline(cmdline, script).stdout.split('\n').filter(Boolean);
  };

  it('nothing without rd.break; bare rd.break means pre-pivot', () => {
    expect(breaks('quiet')).toEqual([]);
    expect(breaks('rd.break')).toEqual(['pre-pivot']);
  });

  it('a comma list breaks at exactly those stages ("mount" is not "pre-mount")', () => {
    expect(breaks('rd.break=cmdline,mount')).toEqual(['cmdline', 'mount']);
    expect(breaks('rd.break=pre-mount')).toEqual(['pre-mount']);
  });
});

describe('hostile command lines: nothing is executed or glob-expanded', () => {
  // Kernel words cannot hold spaces here (read_cmdline splits on them), so payloads use ${IFS}.
  const payloads: Record<string, string> = {
    'k.subst': '$(touch${IFS}/tmp/pwned-subst)',
    'k.tick': '`touch${IFS}/tmp/pwned-tick`',
    'k.semi': 'x;touch${IFS}/tmp/pwned-semi',
    'k.pipe': 'x|touch${IFS}/tmp/pwned-pipe',
    'k.amp': 'x&&touch${IFS}/tmp/pwned-amp',
    'k.glob': '*',
    'k.glob2': '/*',
    'k.glob3': '[a-z]*',
    'k.quote': `'\\`, // double quotes are the kernel's quoting: see below
    'k.redir': '>/tmp/pwned-redir',
  };
  const kernel = `${Object.entries(payloads).map(([k, v]) => `${k}=${v}`).join(' ')} $(touch /tmp/pwned-split) root=$(touch${'${IFS}'}/tmp/pwned-root)`;
  const markers = () => ['subst', 'tick', 'semi', 'pipe', 'amp', 'redir', 'split', 'root'].filter((m) => fr.exists(`/tmp/pwned-${m}`));

  it('the test can detect a marker: eval of the same value does create it', () => {
    fr.sh(`eval ${q('v=$(touch${IFS}/tmp/pwned-subst)')}`);
    expect(markers()).toEqual(['subst']);
  });

  it('argval returns each value literally (no expansion, no globbing) and runs nothing', () => {
    fr.file('/tmp/aaa', '').file('/tmp/bbb', '');
    const script = Object.keys(payloads)
      .map(show)
      .join('\n');
    const r = withCmdline(kernel, script);
    expect(r.stdout).toBe(Object.values(payloads).map((v) => `${v}\n`).join(''));
    expect(markers()).toEqual([]);
  });

  it('getargs, getargbool, stage_break, root_timeout and find_device run nothing', () => {
    const script = [
      'interactive_shell() { :; }',
      ...Object.keys(payloads).flatMap((k) => [`getargs ${k} >/dev/null`, `getargbool 0 ${k}`, `_x=$(getargs ${k})`]),
      'stage_break cmdline',
      `argval k.subst; rd_timeout_probe=$(CMDLINE="$CMDLINE rd.timeout=$ARGVAL" root_timeout 2>/dev/null; echo "$ROOT_TIMEOUT_S")`,
      'argval root; find_device "$ARGVAL"',
      'argval k.tick; find_device "$ARGVAL"',
      'argval k.glob; find_device "$ARGVAL"',
      'echo done',
    ].join('\n');
    const r = withCmdline(`${kernel} rd.break=$(touch\${IFS}/tmp/pwned-amp)`, script);
    expect(r.stdout).toContain('done');
    expect(markers()).toEqual([]);
  });

  it('getargs keeps a glob value literal when its caller disables globbing', () => {
    const r = withCmdline(kernel, 'set -f; for v in $(getargs k.glob2); do echo "$v"; done; set +f');
    expect(r.stdout).toBe('/*\n');
  });
});

describe('the kernel’s quoting and udev’s \\xNN escapes', () => {
  it('drops double quotes around a value or a whole word; a quoted space stays in its word as \\x20', () => {
    expect(arg('root="UUID=3e6b-1" quiet', 'root')).toEqual({ status: 0, value: 'UUID=3e6b-1\n' });
    expect(arg('"root=UUID=3e6b-2" quiet', 'root')).toEqual({ status: 0, value: 'UUID=3e6b-2\n' });
    expect(arg('root="LABEL=my root disk" rw', 'root')).toEqual({ status: 0, value: 'LABEL=my\\x20root\\x20disk\n' });
    expect(arg('root="LABEL=my root disk" rw', 'rw')).toEqual({ status: 0, value: '1\n' });
    expect(arg('a="$(touch /tmp/pwned)" b', 'a')).toEqual({ status: 0, value: '$(touch\\x20/tmp/pwned)\n' });
    expect(fr.exists('/tmp/pwned')).toBe(false);
  });

  it('unhex turns \\xNN into its byte and nothing else', () => {
    const un = (s: string) => fr.out(`unhex ${q(s)}; printf '[%s]' "$UNHEXED"`);
    expect(un('my\\x20root')).toBe('[my root]');
    expect(un('a\\x22b\\x27c\\x5cd\\x24(e)')).toBe(`[a"b'c\\d$(e)]`);
    expect(un('\\x2a\\x3B')).toBe('[*;]');
    expect(un('no\\xzz\\x0\\x')).toBe('[no\\xzz\\x0\\x]');
    expect(un('nul\\x00')).toBe('[nul\\x00]');
    expect(un('%s\\x25n')).toBe('[%s%n]');
    expect(fr.exists('/tmp/pwned')).toBe(false);
  });
});
