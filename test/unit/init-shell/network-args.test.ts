// The network feature's parser of dracut's command line (ip=, ifname=, nameserver=, rd.neednet=,
// rd.net.timeout.dhcp=, as dracut.cmdline(7) documents them) under busybox ash and dash, in a fake root
// with net-lib.sh at its image path. Hostile values are refused with a reason, and nothing in them runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, q, type Shell } from './fake-root.js';

const NET_LIB = readFileSync(join(BUILTIN_MODULES_D, 'network/net-lib.sh'), 'utf8');
const FIELDS = ['NET_METHOD', 'NET_IFACE', 'NET_ADDR', 'NET_PEER', 'NET_GW', 'NET_PREFIX', 'NET_FAMILY', 'NET_HOST', 'NET_MTU', 'NET_MAC', 'NET_DNS1', 'NET_DNS2'];

describe.each<Shell>(['busybox', 'dash'])('network command line (%s)', (shell) => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create({ shell });
    fr.file('/lib/mkinitramfs-ts/net-lib.sh', NET_LIB);
  });
  afterEach(() => fr.cleanup());

  /** net_parse_ip VALUE → the fields it set (empty ones left out), or the error. */
  const parse = (value: string): Record<string, string> | { error: string } => {
    const r = fr.sh(`. /lib/mkinitramfs-ts/net-lib.sh\nif net_parse_ip ${q(value)}; then ${FIELDS.map((f) => `printf '%s=%s\\n' ${f} "$${f}"`).join('; ')}; else printf 'ERROR=%s\\n' "$NET_ERROR"; fi`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const kv = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]).filter(([, v]) => v !== ''));
    return 'ERROR' in kv ? { error: kv['ERROR'] as string } : kv;
  };

  it('ip=dhcp, on, any: DHCP on any interface; dhcp6; off and none', () => {
    expect(parse('dhcp')).toEqual({ NET_METHOD: 'dhcp' });
    expect(parse('on')).toEqual({ NET_METHOD: 'dhcp' });
    expect(parse('any')).toEqual({ NET_METHOD: 'dhcp' });
    expect(parse('dhcp6')).toEqual({ NET_METHOD: 'dhcp6' });
    expect(parse('off')).toEqual({ NET_METHOD: 'off' });
    expect(parse('none')).toEqual({ NET_METHOD: 'off' });
  });

  it('ip=IFACE:dhcp[:MTU[:MAC]]', () => {
    expect(parse('eth0:dhcp')).toEqual({ NET_METHOD: 'dhcp', NET_IFACE: 'eth0' });
    expect(parse('enp1s0:dhcp6')).toEqual({ NET_METHOD: 'dhcp6', NET_IFACE: 'enp1s0' });
    expect(parse('eth0:dhcp:1400')).toEqual({ NET_METHOD: 'dhcp', NET_IFACE: 'eth0', NET_MTU: '1400' });
    expect(parse('eth0:on::52:54:00:AB:cd:01')).toEqual({ NET_METHOD: 'dhcp', NET_IFACE: 'eth0', NET_MAC: '52:54:00:ab:cd:01' });
  });

  it('the static form, with a dotted netmask or a prefix, optional gateway, hostname, MTU and MAC', () => {
    expect(parse('192.168.1.10::192.168.1.1:255.255.255.0:node1:eth0:none')).toEqual({
      NET_METHOD: 'static', NET_IFACE: 'eth0', NET_ADDR: '192.168.1.10', NET_GW: '192.168.1.1', NET_PREFIX: '24', NET_FAMILY: '4', NET_HOST: 'node1',
    });
    expect(parse('10.0.0.5:10.0.0.1::255.255.240.0::ens3:off:9000:52:54:00:12:34:56')).toEqual({
      NET_METHOD: 'static', NET_IFACE: 'ens3', NET_ADDR: '10.0.0.5', NET_PEER: '10.0.0.1', NET_PREFIX: '20', NET_FAMILY: '4', NET_MTU: '9000', NET_MAC: '52:54:00:12:34:56',
    });
    expect(parse('10.0.0.5:::16::eth1:none')).toMatchObject({ NET_METHOD: 'static', NET_PREFIX: '16' });
  });

  it('the static form with DNS servers in fields 8 and 9', () => {
    expect(parse('10.1.2.3::10.1.2.1:24:h:eth0:none:10.1.2.53:[2001:db8::53]')).toMatchObject({ NET_DNS1: '10.1.2.53', NET_DNS2: '2001:db8::53', NET_GW: '10.1.2.1' });
  });

  it('DNS2 alone (:none::DNS2) is a DNS server, not a MAC; a DNS server of the other family leaves NET_FAMILY alone', () => {
    expect(parse('10.1.2.3::10.1.2.1:24:h:eth0:none::10.1.2.54')).toMatchObject({ NET_DNS2: '10.1.2.54', NET_FAMILY: '4' });
    expect(parse('10.1.2.3::10.1.2.1:24:h:eth0:none::10.1.2.54')).not.toHaveProperty('NET_DNS1');
    expect(parse('10.1.2.3::10.1.2.1:24:h:eth0:none:[2001:db8::53]')).toMatchObject({ NET_DNS1: '2001:db8::53', NET_FAMILY: '4', NET_ADDR: '10.1.2.3' });
    expect(parse('[2001:db8::10]::[2001:db8::1]:64::eth0:none:10.1.2.53')).toMatchObject({ NET_DNS1: '10.1.2.53', NET_FAMILY: '6' });
  });

  it('an empty or missing method is dhcp, with a warning (dracut.cmdline(7) reads it so)', () => {
    const r = fr.sh(`. /lib/mkinitramfs-ts/net-lib.sh\nfor v in 10.0.0.5::10.0.0.1:24:h:eth0: 10.0.0.5::10.0.0.1:24:h:eth0; do net_parse_ip "$v" && printf '%s %s | %s\\n' "$NET_METHOD" "$NET_IFACE" "$NET_WARNING"; done`);
    expect(r.stdout).toBe(
      'dhcp eth0 | ip=10.0.0.5::10.0.0.1:24:h:eth0:: no method in the 7th field: using dhcp, as dracut does\n' +
        'dhcp eth0 | ip=10.0.0.5::10.0.0.1:24:h:eth0: no method in the 7th field: using dhcp, as dracut does\n',
    );
  });

  it('IPv6 addresses in brackets, with a prefix length', () => {
    expect(parse('[2001:db8::10]::[2001:db8::1]:64:v6host:eth0:none')).toEqual({
      NET_METHOD: 'static', NET_IFACE: 'eth0', NET_ADDR: '2001:db8::10', NET_GW: '2001:db8::1', NET_PREFIX: '64', NET_FAMILY: '6', NET_HOST: 'v6host',
    });
  });

  it('the static form with dhcp as its method is DHCP on that interface', () => {
    expect(parse(':::::eth2:dhcp')).toEqual({ NET_METHOD: 'dhcp', NET_IFACE: 'eth2' });
  });

  it('refuses what is not valid, saying which field and why', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /empty/],
      ['dhcpx', /not a method/],
      ['1.2.3.4::1.2.3.1:24::eth0:static', /'static' is not a method/],
      ['auto6', /not supported/],
      ['eth0:dhcp:12', /MTU '12'/],
      ['eth0:dhcp:99999', /MTU/],
      ['eth0:dhcp:1500:52:54:00:12:34', /MAC/],
      ['192.168.1.256::192.168.1.1:24::eth0:none', /client address '192.168.1.256'/],
      ['192.168.01.2::192.168.1.1:24::eth0:none', /client address/],
      ['192.168.1.2::192.168.1.1:255.0.255.0::eth0:none', /netmask '255.0.255.0'/],
      ['192.168.1.2::192.168.1.1:33::eth0:none', /netmask '33'/],
      ['192.168.1.2::192.168.1.1:::eth0:none', /needs the netmask/],
      ['192.168.1.2::192.168.1.1:24:::none', /needs the interface/],
      ['192.168.1.2::[2001:db8::1]:24::eth0:none', /gateway '\[2001:db8::1\]' is not an IPv4/],
      ['1.2.3.4::1.2.3.1:24:-host:eth0:none', /hostname '-host'/],
      ['1.2.3.4::1.2.3.1:24::averyverylongifname0:none', /interface name/],
      ['-i:dhcp', /not one of dracut's forms|interface name/],
      ['[2001:db8::1::1:2]:::64::eth0:none', /client address '\[2001:db8::1::1:2\]'/],
      ['[2001:db8::1', /unbalanced/],
      ['2001:db8::1]:dhcp', /unbalanced/],
      ['a:b:c', /not one of dracut's forms/],
    ];
    for (const [value, why] of bad) {
      const r = parse(value);
      expect(r, value).toHaveProperty('error');
      expect((r as { error: string }).error, value).toMatch(why);
    }
  });

  it('hostile values: nothing is run, expanded or globbed', () => {
    fr.file('/tmp/pwned', '');
    for (const value of ['$(touch /tmp/ran)', '`touch /tmp/ran`', 'eth0;touch /tmp/ran:dhcp', '*:dhcp', 'eth0:dhcp:1500:$(id)', "eth0'x:dhcp", 'eth0\\:dhcp', '1.2.3.4::1.2.3.1:24:h:eth0:none:$(reboot)']) {
      const r = parse(value);
      expect(r, value).toHaveProperty('error');
    }
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  /** net_read_cmdline with the kernel command line `kernel`: wanted, timeout, or the error. */
  const readCmdline = (kernel: string): string => {
    fr.file('/proc/cmdline', `${kernel}\n`);
    const r = fr.sh('. /lib/mkinitramfs-ts/net-lib.sh\nread_cmdline\nif net_read_cmdline; then echo "wanted=$NET_WANTED dhcp=$NET_DHCP_TIMEOUT_S$([ "$NET_CARRIER_S" = 5 ] || printf " carrier=%s" "$NET_CARRIER_S")"; else echo "error: $NET_ERROR"; fi');
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('rd.neednet=1 or a network root wants the network; ip= alone does not', () => {
    expect(readCmdline('root=/dev/vda ip=dhcp')).toBe('wanted= dhcp=30');
    expect(readCmdline('root=/dev/vda ip=dhcp rd.neednet=1')).toBe('wanted=1 dhcp=30');
    expect(readCmdline('root=/dev/vda ip=dhcp rd.neednet=0')).toBe('wanted= dhcp=30');
    expect(readCmdline('root=nbd:10.0.2.2:10809')).toBe('wanted=1 dhcp=30');
  });

  it('rd.net.timeout.dhcp= in whole seconds; ifname= and nameserver= checked; the first bad value is named', () => {
    expect(readCmdline('rd.neednet rd.net.timeout.dhcp=010')).toBe('wanted=1 dhcp=10');
    expect(readCmdline('rd.neednet rd.net.timeout.carrier=0')).toBe('wanted=1 dhcp=30 carrier=0');
    expect(readCmdline('rd.net.timeout.carrier=x')).toMatch(/^error: rd\.net\.timeout\.carrier=x: not a number of seconds/);
    expect(readCmdline('rd.net.timeout.dhcp=0')).toMatch(/^error: rd\.net\.timeout\.dhcp=0: /);
    expect(readCmdline('rd.net.timeout.dhcp=1e3')).toMatch(/^error: rd\.net\.timeout\.dhcp=1e3/);
    expect(readCmdline('ifname=lan0:52:54:00:12:34:56 nameserver=10.0.2.3 nameserver=2001:db8::53 nameserver=[2001:db8::54]')).toBe('wanted= dhcp=30');
    expect(readCmdline('ifname=lan0:52:54:00:12:34')).toBe("error: ifname=lan0:52:54:00:12:34: MAC address '52:54:00:12:34' is not six hex pairs");
    expect(readCmdline('ifname=-x:52:54:00:12:34:56')).toMatch(/^error: ifname=-x:.*interface name '-x'/);
    expect(readCmdline('nameserver=10.0.2.300')).toBe('error: nameserver=10.0.2.300: not an IPv4 or IPv6 address');
    expect(readCmdline('ip=eth0:dhcp ip=eth1:bogus')).toBe("error: ip=eth1:bogus: not one of dracut's forms (dhcp, IFACE:dhcp, CLIENT:PEER:GW:NETMASK:HOSTNAME:IFACE:METHOD)");
  });
});
