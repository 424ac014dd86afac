// The iscsi feature's reading of dracut's netroot=iscsi:[USER:PASS@]SERVER:[PROTO]:[PORT]:[LUN]:TARGET and
// rd.iscsi.* (dracut.cmdline(7)) under busybox ash and dash, in a fake root with net-lib.sh and
// iscsi-lib.sh at their image paths: fields into variables, hostile values refused naming themselves and
// never run, CHAP secrets never printed (not in messages, not in rd.debug's trace) yet handed to iscsistart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, q, type Shell } from './fake-root.js';

const FIELDS = ['ISCSI_SERVER', 'ISCSI_PORT', 'ISCSI_LUN', 'ISCSI_TARGET', 'ISCSI_USER', 'ISCSI_PASS', 'ISCSI_IN_USER', 'ISCSI_IN_PASS'];
const CMD_FIELDS = [...FIELDS, 'ISCSI_WANTED', 'ISCSI_INITIATOR', 'ISCSI_GROUP', 'ISCSI_PARAMS', 'ISCSI_FIRMWARE', 'ISCSI_ROOT'];
const LIBS = '. /lib/mkinitramfs-ts/net-lib.sh; . /lib/mkinitramfs-ts/iscsi-lib.sh\n';
const IQN = 'iqn.2026-12.org.example:root';
const SECRET = 'S3cr3t$(touch${IFS}/tmp/ran)`id`;|&<>';

const kvOf = (stdout: string): Record<string, string> =>
  Object.fromEntries(stdout.trim().split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]).filter(([, v]) => v !== ''));

describe.each<Shell>(['busybox', 'dash'])('iSCSI command line (%s)', (shell) => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create({ shell });
    for (const f of ['network/net-lib.sh', 'iscsi/iscsi-lib.sh']) fr.file(`/lib/mkinitramfs-ts/${f.split('/')[1]}`, readFileSync(join(BUILTIN_MODULES_D, f), 'utf8'));
  });
  afterEach(() => fr.cleanup());

  const print = (fields: string[]): string => fields.map((f) => `printf '%s=%s\\n' ${f} "$${f}"`).join('; ');

  /** iscsi_parse_netroot VALUE (after "iscsi:") → the fields it set, or the error. */
  const parse = (value: string): Record<string, string> | { error: string } => {
    const r = fr.sh(`${LIBS}if iscsi_parse_netroot ${q(value)}; then ${print(FIELDS)}; else printf 'ERROR=%s\\n' "$ISCSI_ERROR"; fi`);
    expect(r.stderr).toBe('');
    const kv = kvOf(r.stdout);
    return 'ERROR' in kv ? { error: kv['ERROR'] as string } : kv;
  };

  /** iscsi_read_cmdline with CMDLINE → the fields, or the error (stderr too: nothing may be said there). */
  const read = (cmdline: string): { kv: Record<string, string>; stderr: string } => {
    const r = fr.sh(`${LIBS}CMDLINE=${q(` ${cmdline}`)}\nif iscsi_read_cmdline; then ${print(CMD_FIELDS)}; else printf 'ERROR=%s\\n' "$ISCSI_ERROR"; fi`);
    return { kv: kvOf(r.stdout), stderr: r.stderr };
  };

  it('SERVER:[PROTO]:[PORT]:[LUN]:TARGET with defaults (port 3260, LUN 0), IPv6 in brackets, host names', () => {
    expect(parse(`10.0.2.2::::${IQN}`)).toEqual({ ISCSI_SERVER: '10.0.2.2', ISCSI_PORT: '3260', ISCSI_LUN: '0', ISCSI_TARGET: IQN });
    expect(parse(`10.0.2.2:6:3261:1:${IQN}`)).toEqual({ ISCSI_SERVER: '10.0.2.2', ISCSI_PORT: '3261', ISCSI_LUN: '1', ISCSI_TARGET: IQN });
    expect(parse(`[2001:db8::1]::3260:2:${IQN}`)).toEqual({ ISCSI_SERVER: '2001:db8::1', ISCSI_PORT: '3260', ISCSI_LUN: '2', ISCSI_TARGET: IQN });
    expect(parse('san.example.com:::3:eui.02004567A425678D')).toMatchObject({ ISCSI_SERVER: 'san.example.com', ISCSI_LUN: '3', ISCSI_TARGET: 'eui.02004567A425678D' });
    // a name in none of the iqn./eui./naa. forms is everything after the LUN, ':' included
    expect(parse('10.1.1.1::3260:0:tgt:disk1')).toMatchObject({ ISCSI_TARGET: 'tgt:disk1', ISCSI_LUN: '0' });
  });

  it('USER:PASS@ and USER:PASS:INUSER:INPASS@ (mutual CHAP); an empty @ is allowed', () => {
    expect(parse(`alice:${'pa$$w0rd'}@10.0.2.2::::${IQN}`)).toEqual({
      ISCSI_SERVER: '10.0.2.2', ISCSI_PORT: '3260', ISCSI_LUN: '0', ISCSI_TARGET: IQN, ISCSI_USER: 'alice', ISCSI_PASS: 'pa$$w0rd',
    });
    expect(parse(`alice:one@two:bob:three@10.0.2.2::::${IQN}`)).toHaveProperty('error');
    expect(parse(`alice:one:bob:two@10.0.2.2::::${IQN}`)).toMatchObject({ ISCSI_USER: 'alice', ISCSI_PASS: 'one', ISCSI_IN_USER: 'bob', ISCSI_IN_PASS: 'two' });
    expect(parse(`@10.0.2.2::::${IQN}`)).toMatchObject({ ISCSI_SERVER: '10.0.2.2', ISCSI_TARGET: IQN });
  });

  it('refuses what is not valid, naming the field; hostile values never run; a secret is never in the message', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /no ':' after the server/],
      ['10.0.2.2', /no ':' after the server/],
      [`10.0.2.2:17:::${IQN}`, /protocol '17'/],
      [`10.0.2.2::0::${IQN}`, /port '0'/],
      [`10.0.2.2::70000::${IQN}`, /port '70000'/],
      [`10.0.2.2:::x:${IQN}`, /LUN 'x'/],
      [`10.0.2.2:::99999:${IQN}`, /LUN '99999'/],
      [`10.0.2.2::3260:eth0:52-54:0:${IQN}`, /IFACE and NETDEV/],
      [`10.0.2.2::3260:${IQN}`, /\[PROTO\]:\[PORT\]:\[LUN\]/],
      ['10.0.2.2:::', /no target name/],
      ['10.0.2.2::::-t', /target name '-t'/],
      [`-x::::${IQN}`, /server '-x'/],
      [`[2001:db8::1::::${IQN}`, /unbalanced|IPv6/],
      [`10.0.2.2::::iqn.x;reboot`, /character/],
      [`10.0.2.2::::$(touch /tmp/ran)`, /character/],
      ['`id`::::iqn.a:b', /server/],
      [`alice@10.0.2.2::::${IQN}`, /USER:PASSWORD/],
      [`a:b:c@10.0.2.2::::${IQN}`, /USER:PASSWORD/],
      [`-u:${SECRET}@10.0.2.2::::${IQN}`, /CHAP user name '-u'/],
    ];
    for (const [value, why] of bad) {
      const r = parse(value);
      expect(r, value).toHaveProperty('error');
      expect((r as { error: string }).error, value).toMatch(why);
      expect((r as { error: string }).error, value).not.toContain('S3cr3t');
    }
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it('rd.iscsi.*: the target, group, CHAP, initiator, params; netroot= wins over rd.iscsi.target.* and its USER:PASS@ over rd.iscsi.username', () => {
    const r = read(`root=UUID=x rd.iscsi.initiator=iqn.2026-12.org.example:node1 rd.iscsi.target.name=${IQN} rd.iscsi.target.ip=192.168.7.1 rd.iscsi.target.port=3262 rd.iscsi.target.group=2 rd.iscsi.username=alice rd.iscsi.password=${SECRET} rd.iscsi.in.username=tgt rd.iscsi.in.password=back rd.iscsi.param=node.session.timeo.replacement_timeout=30`);
    expect(r.stderr).toBe('');
    expect(r.kv).toEqual({
      ISCSI_WANTED: '1', ISCSI_SERVER: '192.168.7.1', ISCSI_PORT: '3262', ISCSI_LUN: '0', ISCSI_TARGET: IQN, ISCSI_GROUP: '2', ISCSI_INITIATOR: 'iqn.2026-12.org.example:node1',
      ISCSI_USER: 'alice', ISCSI_PASS: SECRET, ISCSI_IN_USER: 'tgt', ISCSI_IN_PASS: 'back', ISCSI_PARAMS: ' node.session.timeo.replacement_timeout=30', ISCSI_ROOT: `rd.iscsi.target.name=${IQN}`,
    });
    const n = read(`rd.iscsi.target.name=iqn.2026-12.org.other:x rd.iscsi.username=alice rd.iscsi.password=one netroot=iscsi:bob:two@10.0.2.2::3263:1:${IQN}`);
    expect(n.kv).toMatchObject({ ISCSI_WANTED: '1', ISCSI_SERVER: '10.0.2.2', ISCSI_PORT: '3263', ISCSI_LUN: '1', ISCSI_TARGET: IQN, ISCSI_USER: 'bob', ISCSI_PASS: 'two', ISCSI_ROOT: `iscsi:***@10.0.2.2::3263:1:${IQN}` });
    expect(read('root=UUID=x ip=dhcp').kv).toEqual({ ISCSI_PORT: '3260', ISCSI_LUN: '0', ISCSI_GROUP: '1' });
    expect(read('rd.iscsi.firmware').kv).toMatchObject({ ISCSI_WANTED: '1', ISCSI_FIRMWARE: '1' });
    expect(read('rd.iscsi.firmware=0').kv).not.toHaveProperty('ISCSI_WANTED');
  });

  it('refuses bad rd.iscsi.* values naming them, but a bad password only as ***', () => {
    const bad: Array<[string, RegExp]> = [
      ['rd.iscsi.initiator=iqn.x;id', /rd\.iscsi\.initiator=iqn\.x;id: not an iSCSI name/],
      ['rd.iscsi.target.name=-x rd.iscsi.target.ip=10.0.2.2', /rd\.iscsi\.target\.name=-x/],
      [`rd.iscsi.target.name=${IQN} rd.iscsi.target.ip=10.0.2`, /rd\.iscsi\.target\.ip=10\.0\.2: not an address/],
      [`rd.iscsi.target.name=${IQN}`, /without rd\.iscsi\.target\.ip=/],
      ['rd.iscsi.target.ip=10.0.2.2', /without rd\.iscsi\.target\.name=/],
      ['rd.iscsi.target.port=0', /rd\.iscsi\.target\.port=0/],
      ['rd.iscsi.target.group=x', /rd\.iscsi\.target\.group=x/],
      ['rd.iscsi.username=$(id)', /rd\.iscsi\.username=\$\(id\): not a CHAP user name/],
      ['rd.iscsi.password=', /rd\.iscsi\.password=\*\*\*/],
      ['rd.iscsi.param=-P', /rd\.iscsi\.param=-P/],
      ['rd.iscsi.param=a=$(reboot)', /rd\.iscsi\.param=a=\$\(reboot\)/],
      [`netroot=iscsi:alice:${SECRET}@10.0.2.2:9:::${IQN}`, /^netroot=iscsi:\*\*\*@10\.0\.2\.2:9:::iqn\..*: protocol '9'/],
      [`netroot=iscsi:alice:${SECRET}:bob@10.0.2.2::::${IQN}`, /netroot=iscsi:\*\*\*@.*USER:PASSWORD/],
    ];
    for (const [cmdline, why] of bad) {
      const r = read(cmdline);
      expect(r.kv, cmdline).toHaveProperty('ERROR');
      expect(r.kv['ERROR'], cmdline).toMatch(why);
      expect(r.kv['ERROR'], cmdline).not.toContain('S3cr3t');
    }
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it("the network is wanted for netroot=iscsi: (net_read_cmdline), and rd.debug's trace never shows a secret", () => {
    const cmdline = ` ip=dhcp netroot=iscsi:alice:${SECRET}@10.0.2.2::::${IQN} rd.iscsi.in.username=tgt rd.iscsi.in.password=Back-Secret-9 root=UUID=x`;
    // a fake iscsistart that keeps its arguments, one a line
    fr.tool('/usr/sbin/iscsistart', `for a in "$@"; do printf '%s\\n' "$a"; done >/tmp/args; echo "iscsistart: Connection1:0 to [target: x] is operational now"`);
    if (shell === 'dash') fr.tool('/usr/bin/timeout', 'shift; exec "$@"');
    const r = fr.sh(`${LIBS}CMDLINE=${q(cmdline)}\nset -x\nnet_read_cmdline; echo "wanted=$NET_WANTED"\niscsi_read_cmdline; echo "rc=$?"\nISCSI_INITIATOR=iqn.2026-12.org.example:node1\niscsi_login; echo "login=$?"\nset +x\necho "flags=$-"`);
    expect(r.stdout).toContain('wanted=1');
    expect(r.stdout).toContain('rc=0');
    expect(r.stdout).toContain('login=0');
    // tracing was on around the secrets, and is on again after them
    expect(r.stderr).toMatch(/^\+ echo '?wanted=1'?$/m);
    expect(r.stderr).toMatch(/^\+ echo '?login=0'?$/m);
    expect(r.stderr).not.toContain('S3cr3t');
    expect(r.stderr).not.toContain('Back-Secret-9');
    expect(r.stdout).not.toContain('S3cr3t');
    expect(readFileSync(fr.disk('/tmp/args'), 'utf8').split('\n')).toEqual([
      '-i', 'iqn.2026-12.org.example:node1', '-t', IQN, '-g', '1', '-a', '10.0.2.2', '-p', '3260', '-P', 'node.session.initial_login_retry_max=1',
      '-u', 'alice', '-w', SECRET, '-U', 'tgt', '-W', 'Back-Secret-9', '',
    ]);
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it('rd.iscsi.firmware alone logs in with iscsistart -b (the targets of the iBFT)', () => {
    fr.tool('/usr/sbin/iscsistart', `for a in "$@"; do printf '%s\\n' "$a"; done >/tmp/args`);
    if (shell === 'dash') fr.tool('/usr/bin/timeout', 'shift; exec "$@"');
    const r = fr.sh(`${LIBS}CMDLINE=' rd.iscsi.firmware=1 root=UUID=x'\niscsi_read_cmdline; iscsi_what; echo "wanted=$ISCSI_WANTED what=$ISCSI_WHAT"; iscsi_login; echo "login=$?"`);
    expect(r.stdout).toContain('wanted=1 what=the targets of the firmware (iBFT)');
    expect(r.stdout).toContain('login=0');
    expect(readFileSync(fr.disk('/tmp/args'), 'utf8')).toBe('-b\n');
  });

  it("iscsi_lun_devices names each logged-in session's disks by LUN (for the report)", () => {
    const session = '/sys/devices/platform/host6/session1';
    fr.dir(`${session}/target6:0:0/6:0:0:0`).dir(`${session}/target6:0:0/6:0:0:1/block/sda`).dir(`${session}/target6:0:0/6:0:0:2/block/sdb`);
    fr.dir(`${session}/iscsi_session/session1`).link('/sys/class/iscsi_session/session1', `../../devices/platform/host6/session1/iscsi_session/session1`);
    fr.link(`${session}/iscsi_session/session1/device`, '../../../session1');
    expect(fr.out(`${LIBS}iscsi_lun_devices; echo "$ISCSI_DEVICES"`).trim()).toBe('LUN1=/dev/sda LUN2=/dev/sdb');
    expect(fr.out(`${LIBS}rm /sys/class/iscsi_session/session1; iscsi_lun_devices; echo "[$ISCSI_DEVICES]"`).trim()).toBe('[]');
  });

  it('a failed login keeps the last words of iscsistart; rd.iscsi.param= reaches it as -P', () => {
    fr.tool('/usr/sbin/iscsistart', `for a in "$@"; do printf '%s\\n' "$a"; done >/tmp/args; echo "iscsistart: version 2.1.8"; echo "iscsistart: Login failed to authenticate with target"; echo "iscsistart: initiator reported error (19 - encountered non-retryable iSCSI login failure)"; exit 19`);
    if (shell === 'dash') fr.tool('/usr/bin/timeout', 'shift; exec "$@"');
    const r = fr.sh(`${LIBS}CMDLINE=${q(` netroot=iscsi:10.0.2.2::::${IQN} rd.iscsi.param=node.conn[0].timeo.noop_out_interval=0`)}\niscsi_read_cmdline || echo "ERR=$ISCSI_ERROR"\nISCSI_INITIATOR=iqn.2026-12.org.example:n\nif iscsi_login; then echo ok; else echo "failed: $ISCSI_LAST_ERROR"; fi`);
    // '[' is not a character of a parameter value: refused, naming it
    expect(r.stdout).toMatch(/ERR=rd\.iscsi\.param=node\.conn\[0\]/);
    const ok = fr.sh(`${LIBS}CMDLINE=${q(` netroot=iscsi:10.0.2.2::::${IQN} rd.iscsi.param=node.session.timeo.replacement_timeout=30`)}\niscsi_read_cmdline\nISCSI_INITIATOR=iqn.2026-12.org.example:n\nif iscsi_login; then echo ok; else echo "failed: $ISCSI_LAST_ERROR"; fi`);
    expect(ok.stdout).toMatch(/^failed: iscsistart: Login failed to authenticate with target iscsistart: initiator reported error \(19 - encountered non-retryable iSCSI login failure\) ?$/m);
    expect(readFileSync(fr.disk('/tmp/args'), 'utf8')).toContain('-P\nnode.session.initial_login_retry_max=1\n-P\nnode.session.timeo.replacement_timeout=30\n');
  });
});
