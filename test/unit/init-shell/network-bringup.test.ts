// The network feature where its values are used, under busybox ash and dash: net_configure, the
// bring-up of every ip=, the udhcpc event script, the retry and timeout hooks and the NBD connect, in a
// fake root whose /sys/class/net is written by the test and whose `ip`, `udhcpc` and `nbd-client` are
// stubs that record their argv. The `ip` stub keeps a little of the kernel's rules: `add` of what exists
// fails (EEXIST), and a route through a gateway needs the gateway on-link (in /tmp/onlink, or given an
// on-link host route before).
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookPath } from '../../../src/boot-contract.js';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, q, type Shell } from './fake-root.js';

const LIB = '/lib/mkinitramfs-ts';
/** busybox ash runs its own applets before anything on PATH: the stubs are reached through functions
 *  (nbd-client is no applet: its stub is on PATH). */
const STUBS = ['ip', 'udhcpc', 'udhcpc6', 'hostname', 'timeout'].map((t) => `${t}() { /stub/${t} "$@"; }`).join('; ');
/** The event script as udhcpc runs it (a new shell), with the stubs. */
const eventScript = (arg: string): string => `sh -c ${q(`${STUBS}; . "$0"`)} ${LIB}/udhcpc.script ${arg}`;
const HOOKS = { netUp: 'net-up.sh', netWait: 'net-wait.sh', netTimeout: 'net-timeout.sh', nbdArgs: 'nbd-args.sh', nbdConnect: 'nbd-connect.sh', nbdTimeout: 'nbd-timeout.sh' };

const IP_STUB = `set -f
args="$*"
printf '%s\\n' "$args" >>/tmp/ip.log
: >>/tmp/state; : >>/tmp/onlink
if [ -r /tmp/ip.fail ]; then while IFS= read -r p; do case "$args" in $p) echo "ip: RTNETLINK answers: refused" >&2; exit 2 ;; esac; done </tmp/ip.fail; fi
case "$1 $2" in
  "addr add"|"route add")
    key="$1 \${args#* * }"
    grep -qxF -- "$key" /tmp/state && { echo "ip: RTNETLINK answers: File exists" >&2; exit 2; }
    printf '%s\\n' "$key" >>/tmp/state ;;
esac
case "$args" in
  "route "*" via "*)
    gw=\${args#* via }; gw=\${gw%% *}
    grep -qxF -- "$gw" /tmp/onlink || { echo "ip: RTNETLINK answers: Network is unreachable" >&2; exit 2; } ;;
  "route replace "*" scope link") set -- $args; printf '%s\\n' "$3" >>/tmp/onlink ;;
esac
exit 0`;

/** udhcpc: records its argv; with /tmp/lease.env runs the -s script's "bound" with that environment. */
const UDHCPC_STUB = `
printf '%s\\n' "$*" >>/tmp/udhcpc.log
while [ $# -gt 0 ]; do case "$1" in -i) IF=$2 ;; -s) S=$2 ;; esac; shift; done
[ -r /tmp/lease.env ] || exit 1
(export interface="$IF"; set -a; . /tmp/lease.env; set +a; sh -c ${q(`${STUBS}; . "$0"`)} "$S" bound)
exit 0`;

/** udhcpc6: records its argv; with /tmp/lease.env runs the -s script's "bound" with that environment; then
 *  what /tmp/inet6.after holds joins /proc/net/if_inet6 (the leased address as the kernel shows it). */
const UDHCPC6_STUB = `
printf '%s\\n' "$*" >>/tmp/udhcpc6.log
while [ $# -gt 0 ]; do case "$1" in -i) IF=$2 ;; -s) S=$2 ;; esac; shift; done
[ -r /tmp/lease.env ] || exit 1
(export interface="$IF"; set -a; . /tmp/lease.env; set +a; sh -c ${q(`${STUBS}; . "$0"`)} "$S" bound)
[ ! -r /tmp/inet6.after ] || cat /tmp/inet6.after >>/proc/net/if_inet6
exit 0`;

/** dhclient (-sf SCRIPT) or dhcpcd (-c SCRIPT): records its argv; runs the script's PREINIT, then BOUND with
 *  /tmp/lease.env (new_* variables); then stays in the foreground, as both do, until it is stopped. */
const sysrootDhcpStub = (name: string, scriptFlag: string): string => `
printf '%s\\n' "$*" >>/tmp/${name}.log
for a in "$@"; do IF=$a; done
while [ $# -gt 0 ]; do case "$1" in ${scriptFlag}) S=$2 ;; esac; shift; done
(export interface="$IF"; export reason=PREINIT; sh -c ${q(`${STUBS}; . "$0"`)} "$S")
if [ -r /tmp/lease.env ]; then (export interface="$IF"; set -a; reason=BOUND; . /tmp/lease.env; set +a; sh -c ${q(`${STUBS}; . "$0"`)} "$S"); fi
echo $$ >/tmp/${name}.pid
exec sleep 30`;

describe.each<Shell>(['busybox', 'dash'])('network bring-up where values are used (%s)', (shell) => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create({ shell });
    for (const f of ['network/net-lib.sh', 'nbd/nbd-lib.sh']) fr.file(`${LIB}/${f.split('/')[1]}`, readFileSync(join(BUILTIN_MODULES_D, f), 'utf8'));
    fr.file(`${LIB}/udhcpc.script`, readFileSync(join(BUILTIN_MODULES_D, 'network/udhcpc-event.sh'), 'utf8'));
    chmodSync(fr.disk(`${LIB}/udhcpc.script`), 0o755);
    fr.file(`${LIB}/net-dhcp.sh`, readFileSync(join(BUILTIN_MODULES_D, 'network/net-dhcp.sh'), 'utf8'));
    fr.file(`${LIB}/net-ipv6.sh`, readFileSync(join(BUILTIN_MODULES_D, 'network/net-ipv6.sh'), 'utf8'));
    fr.file(`${LIB}/udhcpc6.script`, readFileSync(join(BUILTIN_MODULES_D, 'network/udhcpc6-event.sh'), 'utf8'));
    chmodSync(fr.disk(`${LIB}/udhcpc6.script`), 0o755);
    fr.file(`${LIB}/dhcp.script`, readFileSync(join(BUILTIN_MODULES_D, 'network/dhcp-event.sh'), 'utf8'));
    chmodSync(fr.disk(`${LIB}/dhcp.script`), 0o755);
    for (const [feature, scripts] of [['network', [HOOKS.netUp, HOOKS.netWait, HOOKS.netTimeout]], ['nbd', [HOOKS.nbdArgs, HOOKS.nbdConnect, HOOKS.nbdTimeout]]] as const)
      for (const s of scripts) fr.file(`/hooks/${s}`, readFileSync(join(BUILTIN_MODULES_D, feature, s), 'utf8'));
    fr.tool('/stub/ip', IP_STUB).tool('/stub/udhcpc', UDHCPC_STUB).tool('/stub/udhcpc6', UDHCPC6_STUB).tool('/stub/hostname', 'exit 0').tool('/stub/timeout', 'shift; exec "$@"');
    fr.dir('/run/initramfs/net');
  });
  afterEach(() => fr.cleanup());

  /** An interface in /sys/class/net: a network card (with a device) unless `virtual`. */
  const nic = (name: string, o: { carrier?: boolean; virtual?: boolean; mac?: string } = {}): void => {
    // the real layout: /sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0, its device link ../../../virtio2
    const virtio = `virtio${name.charCodeAt(name.length - 1)}`;
    const dir = o.virtual ? `/sys/devices/virtual/net/${name}` : `/sys/devices/pci0000:00/0000:00:03.0/${virtio}/net/${name}`;
    fr.file(`${dir}/carrier`, o.carrier === false ? '0\n' : '1\n').file(`${dir}/address`, `${o.mac ?? '52:54:00:12:34:56'}\n`).file(`${dir}/mtu`, '1500\n');
    if (!o.virtual) fr.link(`${dir}/device`, `../../../${virtio}`);
    fr.link(`/sys/class/net/${name}`, `../../${dir.slice('/sys/'.length)}`);
  };
  const log = (tool: string): string[] => (fr.exists(`/tmp/${tool}.log`) ? readFileSync(fr.disk(`/tmp/${tool}.log`), 'utf8').trim().split('\n') : []);
  /** Run `script` after net-lib.sh; emergency prints its reason instead of a shell. */
  const run = (script: string, opts: { proc?: boolean } = {}) =>
    fr.sh(`${STUBS}\n. ${LIB}/net-lib.sh; . ${LIB}/nbd-lib.sh\nemergency() { printf 'EMERGENCY: %s\\n' "$1"; EMERGENCIES=$((\${EMERGENCIES:-0} + 1)); }\n${script}`, {}, opts);
  const lease = (env: Record<string, string>): void => {
    fr.file('/tmp/lease.env', Object.entries(env).map(([k, v]) => `${k}=${q(v)}\n`).join(''));
  };

  it('a static ip= applies again after the emergency shell (replace, not add: no EEXIST)', () => {
    nic('eth0');
    fr.file('/tmp/onlink', '192.168.1.1\n');
    const r = run(`net_parse_ip 192.168.1.10::192.168.1.1:24:node1:eth0:none\nfor try in 1 2; do net_configure eth0 && echo "try $try up" || echo "try $try: $NET_ERROR"; done`);
    expect(r.stdout).toBe('try 1 up\ntry 2 up\n');
    expect(log('ip')).toContain('addr replace 192.168.1.10/24 dev eth0');
    expect(log('ip')).toContain('route replace default via 192.168.1.1 dev eth0');
  });

  it('a static gateway off the subnet gets an on-link host route first', () => {
    nic('eth0');
    const r = run(`net_parse_ip 10.0.0.5::10.9.9.1:32::eth0:none\nnet_configure eth0 && echo up || echo "$NET_ERROR"`);
    expect(r.stdout).toBe('up\n');
    const l = log('ip');
    expect(l.indexOf('route replace 10.9.9.1 dev eth0 scope link')).toBeGreaterThan(-1);
    expect(l.lastIndexOf('route replace default via 10.9.9.1 dev eth0')).toBeGreaterThan(l.indexOf('route replace 10.9.9.1 dev eth0 scope link'));
  });

  it('the event script: a /32 lease with an off-link router gets its default route (on-link host route first); DNS kept', () => {
    const r = fr.sh(eventScript('bound'), { interface: 'eth0', ip: '10.128.0.7', mask: '32', router: '10.128.0.1', dns: '169.254.169.254', serverid: '169.254.169.254', lease: '3600' });
    expect(r.status).toBe(0);
    const l = log('ip');
    expect(l).toContain('addr replace 10.128.0.7/32 dev eth0');
    expect(l.slice(l.indexOf('route replace 10.128.0.1 dev eth0 scope link'))).toContain('route replace default via 10.128.0.1 dev eth0');
    expect(readFileSync(fr.disk('/run/initramfs/net/lease.eth0'), 'utf8')).toMatch(/^routes=default via 10\.128\.0\.1$/m);
    expect(readFileSync(fr.disk('/run/initramfs/net/dns.eth0'), 'utf8')).toBe('nameserver 169.254.169.254\n');
  });

  it('the event script applies option 121 (staticroutes) and then ignores the router option', () => {
    fr.file('/tmp/onlink', '10.0.2.1\n');
    const r = fr.sh(eventScript('bound'), { interface: 'eth0', ip: '10.0.2.15', mask: '24', router: '10.0.2.254', staticroutes: '192.168.50.0/24 10.0.2.1 10.77.0.0/16 0.0.0.0 0.0.0.0/0 10.0.2.1' });
    expect(r.status).toBe(0);
    const routes = log('ip').filter((l) => l.startsWith('route'));
    expect(routes).toEqual(['route replace 192.168.50.0/24 via 10.0.2.1 dev eth0', 'route replace 10.77.0.0/16 dev eth0 scope link', 'route replace 0.0.0.0/0 via 10.0.2.1 dev eth0']);
  });

  it('a lease whose address cannot be added does not count as up (udhcpc ignores the script status)', () => {
    nic('eth0');
    fr.file('/tmp/ip.fail', 'addr *\n');
    lease({ ip: '10.0.2.15', mask: '24', router: '10.0.2.2' });
    const r = run(`NET_DHCP_TIMEOUT_S=3\nnet_parse_ip dhcp\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"`);
    expect(r.stdout).toMatch(/^down: eth0: got a DHCP lease but could not apply it: cannot add the leased address 10\.0\.2\.15\/24$/m);
    expect(fr.exists('/run/initramfs/net/lease.eth0')).toBe(false);
    expect(log('udhcpc')).toEqual(['-i eth0 -f -q -n -t 3 -T 1 -O staticroutes -O rootpath -s /lib/mkinitramfs-ts/udhcpc.script']);
  });

  it('rd.net.dhcp.client=dhclient: dhclient asks, dhcp.script applies its lease as udhcpc.script does (option 121 bytes, MTU, DNS), then dhclient is stopped', () => {
    nic('eth0');
    fr.tool('/usr/sbin/dhclient', sysrootDhcpStub('dhclient', '-sf'));
    fr.file('/tmp/onlink', '10.0.2.2\n');
    lease({ new_ip_address: '10.0.2.15', new_subnet_mask: '255.255.255.0', new_routers: '10.0.2.254', new_domain_name_servers: '10.0.2.3', new_interface_mtu: '1400',
      new_rfc3442_classless_static_routes: '24 192 168 7 10 0 2 2 0 10 0 2 2', new_dhcp_server_identifier: '10.0.2.2', new_dhcp_lease_time: '86400' });
    const r = run(`CMDLINE=' rd.net.dhcp.client=dhclient'; NET_DHCP_TIMEOUT_S=5\nnet_parse_ip dhcp\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"\nkill -0 $(cat /tmp/dhclient.pid) 2>/dev/null && echo still running || echo stopped`, { proc: true });
    expect(r.stdout).toBe('up\nstopped\n');
    expect(log('dhclient')).toEqual(['-d -1 -4 -cf /run/initramfs/net/dhclient.conf -sf /lib/mkinitramfs-ts/dhcp.script -pf /run/initramfs/net/dhclient.eth0.pid -lf /run/initramfs/net/dhclient.eth0.leases eth0']);
    expect(readFileSync(fr.disk('/run/initramfs/net/dhclient.conf'), 'utf8')).toMatch(/^timeout 5;$/m);
    const l = log('ip');
    expect(l).toContain('addr replace 10.0.2.15/24 dev eth0');
    expect(l).toContain('link set dev eth0 mtu 1400');
    expect(l.filter((x) => x.startsWith('route'))).toEqual(['route replace 192.168.7.0/24 via 10.0.2.2 dev eth0', 'route replace 0.0.0.0/0 via 10.0.2.2 dev eth0']);
    expect(readFileSync(fr.disk('/run/initramfs/net/lease.eth0'), 'utf8')).toMatch(/^ip=10\.0\.2\.15\/24$/m);
    expect(readFileSync(fr.disk('/run/initramfs/net/dns.eth0'), 'utf8')).toBe('nameserver 10.0.2.3\n');
    expect(log('udhcpc')).toEqual([]);
  });

  it('rd.net.dhcp.client=dhcpcd: dhcpcd (-p, so the address stays) with new_subnet_cidr and decoded option 121; the router without option 121', () => {
    nic('eth0');
    fr.tool('/usr/sbin/dhcpcd', sysrootDhcpStub('dhcpcd', '-c'));
    lease({ new_ip_address: '10.0.2.15', new_subnet_cidr: '24', new_routers: '10.0.2.2', new_domain_name_servers: '10.0.2.3 10.0.2.4' });
    const r = run(`CMDLINE=' rd.net.dhcp.client=dhcpcd'; NET_DHCP_TIMEOUT_S=4\nnet_parse_ip dhcp\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"`, { proc: true });
    expect(r.stdout).toBe('up\n');
    expect(log('dhcpcd')).toEqual(['-B -p -4 -t 4 -c /lib/mkinitramfs-ts/dhcp.script eth0']);
    expect(log('ip')).toContain('addr replace 10.0.2.15/24 dev eth0');
    expect(log('ip')).toContain('route replace default via 10.0.2.2 dev eth0');
    expect(readFileSync(fr.disk('/run/initramfs/net/dns.eth0'), 'utf8')).toBe('nameserver 10.0.2.3\nnameserver 10.0.2.4\n');
  });

  it('the sysroot client: no lease within rd.net.timeout.dhcp= is said and the client stopped; an unknown or missing client is refused', () => {
    nic('eth0');
    fr.tool('/usr/sbin/dhclient', sysrootDhcpStub('dhclient', '-sf'));
    const r = run(`CMDLINE=' rd.net.dhcp.client=dhclient'; NET_DHCP_TIMEOUT_S=1\nnet_parse_ip dhcp\nnet_configure eth0 || echo "down: $NET_ERROR"\nkill -0 $(cat /tmp/dhclient.pid) 2>/dev/null && echo still running || echo stopped\n` +
      `CMDLINE=' rd.net.dhcp.client=dhcpcd'; net_configure eth0 || echo "down: $NET_ERROR"\nCMDLINE=' rd.net.dhcp.client=pump;reboot'; net_configure eth0 || echo "down: $NET_ERROR"`, { proc: true });
    expect(r.stdout).toBe('down: eth0: no DHCP lease within 1s from dhclient (rd.net.timeout.dhcp=)\nstopped\ndown: rd.net.dhcp.client=dhcpcd: dhcpcd is not in this image\ndown: rd.net.dhcp.client=pump;reboot: not one of udhcpc, dhclient, dhcpcd\n');
  });

  it('dhcp.script: hostile dhclient values are passed on as data, never run; option 121 bytes that do not add up give no routes', () => {
    fr.file('/tmp/onlink', '10.0.2.2\n');
    const r = fr.sh(`sh -c ${q(`${STUBS}; . "$0"`)} ${LIB}/dhcp.script`, { reason: 'BOUND', interface: 'eth0', new_ip_address: '$(touch /tmp/ran)', new_subnet_mask: '255.0.255.0', new_routers: '10.0.2.2',
      new_domain_name_servers: '`touch /tmp/ran`', new_rfc3442_classless_static_routes: '24 192 168' });
    expect(r.status).toBe(0);
    expect(log('ip')).toContain('addr replace $(touch /tmp/ran)/32 dev eth0');
    expect(log('ip').filter((x) => x.startsWith('route'))).toEqual(['route replace default via 10.0.2.2 dev eth0']);
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it('hostile lease values are never globbed or run', () => {
    fr.file('/tmp/onlink', '');
    const r = fr.sh(`cd /usr/bin && ${eventScript('bound')}`, { interface: 'eth0', ip: '10.0.2.15', mask: '24', router: '*', dns: '$(touch /tmp/ran) *', domain: '`touch /tmp/ran`' });
    expect(r.status).toBe(0);
    expect(log('ip').filter((l) => l.includes('via'))).toEqual(['route replace default via * dev eth0', 'route replace default via * dev eth0']);
    expect(readFileSync(fr.disk('/run/initramfs/net/dns.eth0'), 'utf8')).toBe('nameserver $(touch\nnameserver /tmp/ran)\nnameserver *\n');
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it('ip=dhcp picks a network card, not lo, a bridge or a veth; links without a carrier cost no DHCP wait', () => {
    nic('br0', { virtual: true });
    nic('veth0', { virtual: true });
    nic('eth0', { carrier: false });
    nic('eth1', { carrier: false });
    nic('eth2');
    lease({ ip: '10.0.2.15', mask: '24' });
    const r = run(`NET_WANTED=1 NET_CARRIER_S=3\nnet_bring_up; echo "status $? up=$NET_UP failed=$NET_FAILED"`, { proc: true });
    expect(r.stdout.trim()).toBe('status 0 up=eth2 failed=');
    expect(log('udhcpc').map((l) => l.split(' ')[1])).toEqual(['eth2']);
    // every card is set up first (their carriers come in parallel); the virtual links are left alone
    expect([...new Set(log('ip').filter((l) => l.startsWith('link set dev')))].sort()).toEqual(['link set dev eth0 up', 'link set dev eth1 up', 'link set dev eth2 up', 'link set dev lo up']);
  });

  it('no carrier anywhere: one wait of rd.net.timeout.carrier= for all links together, then the reason', () => {
    nic('eth0', { carrier: false });
    nic('eth1', { carrier: false });
    const r = run(`NET_WANTED=1 NET_CARRIER_S=2\nnet_bring_up; echo "status $? failed=$NET_FAILED"`, { proc: true });
    expect(r.stdout.trim()).toBe('status 2 failed=ip=dhcp: no link on eth0 eth1 (no carrier after 2s: is the cable in? rd.net.timeout.carrier=)');
    expect(log('udhcpc')).toEqual([]);
  });

  it('an interface named by ip= that appears a round later is waited for, not a failure', () => {
    nic('eth0');
    fr.file('/proc/cmdline', 'ip=10.0.0.5::10.0.0.1:24::lan1:none rd.neednet=1\n');
    fr.file('/tmp/onlink', '10.0.0.1\n');
    fr.file('/proc/uptime', '100.00 1.00\n');
    const r = run(`read_cmdline; net_read_cmdline\nnet_round; echo "round 1: up=$NET_UP wait=$NET_WAIT failed=$NET_FAILED"\nmkdir -p /sys/class/net/lan1/device; echo 1 >/sys/class/net/lan1/carrier\nnet_round; echo "round 2: up=$NET_UP"`);
    expect(r.stdout).toBe('round 1: up= wait=interface lan1 (named by ip=10.0.0.5::10.0.0.1:24::lan1:none) did not appear (there are: eth0) failed=\nround 2: up=lan1\n');
  });

  it('a failed bring-up is tried again and reported once, by the timeout hook, with its own reason', () => {
    nic('eth0');
    fr.file('/proc/cmdline', 'root=nbd:10.0.2.2:10809 rd.net.timeout.dhcp=1\n');
    fr.file('/proc/uptime', '100.00 1.00\n');
    const r = run(`read_cmdline; net_read_cmdline; ROOT_TIMEOUT_S=30\n. /hooks/net-up.sh\n. /hooks/nbd-timeout.sh; . /hooks/net-timeout.sh\n. /hooks/net-up.sh`);
    expect(r.stdout.match(/EMERGENCY.*/g)).toEqual(['EMERGENCY: network: no interface came up within 30s: eth0: no DHCP lease within 1s (rd.net.timeout.dhcp=)']);
    // after the shell, the next round tries again
    expect(log('udhcpc')).toHaveLength(2);
  });

  it('rd.neednet=1 with the root already there: the pre-mount hook waits for the network, then stops with the report', () => {
    const r = run(`CMDLINE=' root=/dev/vda rd.neednet=1'; net_read_cmdline; ROOT_TIMEOUT_S=1\nemergency() { printf 'EMERGENCY: %s\\n' "$1"; exit 3; }\n. /hooks/net-up.sh\n. /hooks/net-wait.sh\necho booted without the network`, { proc: true });
    expect(r.stdout).toBe('EMERGENCY: network: no network interface appeared within 1s (no driver for the network card in this image? see the modaliases below)\n');
    expect(r.status).toBe(3);
  });

  it('rd.neednet=1: a network card that appears while the pre-mount hook waits is brought up', () => {
    lease({ ip: '10.0.2.15', mask: '24' });
    const r = run(`CMDLINE=' root=/dev/vda rd.neednet=1 ip=eth0:dhcp'; net_read_cmdline; ROOT_TIMEOUT_S=20\n. /hooks/net-up.sh\n(sleep 1; mkdir -p /sys/class/net/eth0/device; echo 1 >/sys/class/net/eth0/carrier) &\n. /hooks/net-wait.sh\necho "up=$NET_UP"`, { proc: true });
    expect(r.stdout.trim()).toBe('up=eth0');
  });

  it('NBD: nbd-client gets the server, port, device and checked options as single arguments', () => {
    fr.blockdev('/dev/nbd0', 43, 0);
    fr.tool('/usr/bin/nbd-client', 'printf "%s|" "$@" >/tmp/nbd.log; exit 0');
    fr.file('/proc/uptime', '100.00 1.00\n');
    const r = run(`load_module() { return 0; }\nCMDLINE=' root=nbd:10.0.2.2:rootfs:ext4::timeout=30,persist'\n. /hooks/nbd-args.sh\nNET_UP=eth0 ROOT_DEV=\n. /hooks/nbd-connect.sh\necho "root=$ROOT_DEV fstype=$ROOT_FSTYPE"`);
    expect(r.stdout).toContain('root=/dev/nbd0 fstype=ext4');
    expect(readFileSync(fr.disk('/tmp/nbd.log'), 'utf8')).toBe('10.0.2.2|10809|/dev/nbd0|-systemd-mark|-timeout|30|-persist|-name|rootfs|');
  });

  it('NBD: netroot=nbd: wants the network, attaches the device once and leaves root= to the disk features (LUKS/LVM on NBD)', () => {
    fr.blockdev('/dev/nbd0', 43, 0);
    fr.tool('/usr/bin/nbd-client', 'printf "%s|" "$@" >>/tmp/nbd.log; exit 0');
    fr.file('/proc/uptime', '100.00 1.00\n');
    const r = run(`load_module() { return 0; }\nCMDLINE=' netroot=nbd:10.0.2.2:10809 root=UUID=5a0e1c2d-0004-4c3b-9a8e-1f2d3c4b5a04'\nnet_read_cmdline; echo "wanted=$NET_WANTED"\n. /hooks/nbd-args.sh\nNET_UP=eth0 ROOT_DEV= ROOT_TIMEOUT_S=30\n. /hooks/nbd-connect.sh\necho "root=$ROOT_DEV"\nNBD_NEXT_TRY=0; . /hooks/nbd-connect.sh\n. /hooks/nbd-timeout.sh\necho "emergencies=\${EMERGENCIES:-0}"`);
    expect(r.stdout).toBe('wanted=1\nroot=\nemergencies=0\n');
    expect(r.stderr).toContain('nbd: /dev/nbd0 is 10.0.2.2:10809');
    // attached once: the second round does not run nbd-client again
    expect(readFileSync(fr.disk('/tmp/nbd.log'), 'utf8')).toBe('10.0.2.2|10809|/dev/nbd0|-systemd-mark|');
  });

  it('NBD: no /dev/nbd0 (no nbd module) is said as such, not as "no answer" from the server', () => {
    fr.file('/proc/uptime', '100.00 1.00\n');
    const r = run(`load_module() { return 1; }\nwarn() { :; }\nCMDLINE=' root=nbd:10.0.2.2:10809'\n. /hooks/nbd-args.sh\nNET_UP=eth0 ROOT_DEV= ROOT_TIMEOUT_S=30\n. /hooks/nbd-connect.sh\n. /hooks/nbd-timeout.sh`);
    expect(r.stdout).toMatch(/^EMERGENCY: nbd: no NBD root from 10\.0\.2\.2:10809 after 30s: \/dev\/nbd0 does not exist: the nbd module is missing from this image/);
  });

  it('NBD: its budget is rd.timeout from the moment the network came up, not the root clock', () => {
    fr.blockdev('/dev/nbd0', 43, 0);
    fr.tool('/usr/bin/nbd-client', 'echo "Socket failed: Connection refused" >&2; exit 1');
    // the root clock started at 100; the network came up at 125 (a slow DHCP), rd.timeout=30
    fr.file('/proc/uptime', '125.00 1.00\n');
    const r = run(`load_module() { return 0; }\nwarn() { :; }\nCMDLINE=' root=nbd:10.0.2.2:10809'\n. /hooks/nbd-args.sh\nNET_UP=eth0 ROOT_DEV= ROOT_TIMEOUT_S=30 start=100\n. /hooks/nbd-connect.sh\n` +
      `for now in 129 130 154 155; do if root_wait_over $now $start; then echo "$now over"; else echo "$now waiting"; fi; done\n` +
      `. /hooks/nbd-timeout.sh\nROOT_WAIT_UNTIL=\necho 200.00 >/proc/uptime; NBD_NEXT_TRY=0; . /hooks/nbd-connect.sh; echo "again until $ROOT_WAIT_UNTIL"`);
    expect(r.stdout).toBe('129 waiting\n130 waiting\n154 waiting\n155 over\nEMERGENCY: nbd: no NBD root from 10.0.2.2:10809 after 30s: Socket failed: Connection refused\nagain until 230\n');
  });

  it('the wait for root: rd.timeout=0 never ends; without a hook it ends at rd.timeout', () => {
    const r = run(`for t in 0 30; do ROOT_TIMEOUT_S=$t; ROOT_WAIT_UNTIL=; for now in 129 130 100000; do root_wait_over $now 100 && echo "$t $now over"; done; done; true`);
    expect(r.stdout).toBe('30 130 over\n30 100000 over\n');
  });

  it('messages keep the backslashes of the values they show (printf, not echo)', () => {
    const r = fr.sh(`warn 'bad value a\\nb\\c'; info 'x\\ty'`);
    expect(r.stderr).toBe('mkinitramfs-ts: warning: bad value a\\nb\\c\nx\\ty\n');
  });

  // --- ip=dhcp6 ---------------------------------------------------------------------------------------
  /** /proc/net/if_inet6 (ADDR IFINDEX PREFIXLEN SCOPE FLAGS NAME) and eth0's IPv6 sysctls, as the kernel shows them. */
  const LL = 'fe80000000000000505400fffe123456 02 40 20 80     eth0\n';
  const ipv6Kernel = (inet6: string, o: { acceptRa?: string } = {}): void => {
    fr.file('/proc/net/if_inet6', inet6).file('/proc/sys/net/ipv6/conf/eth0/accept_ra', `${o.acceptRa ?? '1'}\n`).file('/proc/sys/net/ipv6/conf/eth0/disable_ipv6', '0\n');
  };
  /** /proc/uptime that moves on, one second a second (the waits that are meant to run out read it); at
   *  uptime 101 it runs `at101` (an event on the test's clock, not on the machine's). */
  const ticker = (at101 = ':'): string =>
    `echo '100.00 1.00' >/proc/uptime\n(i=100; while :; do sleep 1; i=$((i + 1)); echo "$i.00 1.00" >/proc/uptime; [ $i != 101 ] || ${at101}; done) & TICK=$!\n`;
  const TICKER = ticker();

  it('ip=dhcp6 with busybox udhcpc6: RAs accepted, the /128 applied, DNS to resolv.conf, lease6.IFACE', () => {
    nic('eth0');
    ipv6Kernel(LL, { acceptRa: '0' });
    fr.file('/tmp/inet6.after', 'fd000003000000000000000000000105 02 80 00 80     eth0\n');
    lease({ ipv6: 'fd00:0003:0000:0000:0000:0000:0000:0105', dns: 'fd00:0003:0000:0000:0000:0000:0000:0053', search: 'dhcp6.test', lease: '3600' });
    const r = run(`NET_DHCP_TIMEOUT_S=3\nnet_parse_ip dhcp6\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"\nnet_write_resolv`);
    expect(r.stdout).toBe('up\n');
    expect(log('udhcpc6')).toEqual(['-i eth0 -f -q -n -t 3 -T 1 -O dns -O search -s /lib/mkinitramfs-ts/udhcpc6.script']);
    expect(log('udhcpc')).toEqual([]);
    expect(log('ip')).toContain('-6 addr replace fd00:0003:0000:0000:0000:0000:0000:0105/128 dev eth0');
    // the kernel takes router advertisements (the on-link prefix and the default route come from them)
    expect(readFileSync(fr.disk('/proc/sys/net/ipv6/conf/eth0/accept_ra'), 'utf8')).toBe('2\n');
    const leased = readFileSync(fr.disk('/run/initramfs/net/lease6.eth0'), 'utf8');
    expect(leased).toMatch(/^ip=fd00:0003:0000:0000:0000:0000:0000:0105\/128$/m);
    expect(leased).toMatch(/^search=dhcp6\.test$/m);
    expect(readFileSync(fr.disk('/etc/resolv.conf'), 'utf8')).toBe('nameserver fd00:0003:0000:0000:0000:0000:0000:0053\n');
    expect(r.stderr).toMatch(/network: eth0 fd00:0003:0000:0000:0000:0000:0000:0105\/128 \(DHCPv6, lease 3600s, DNS fd00:0003/);
  });

  // the DHCPv6 runs keep the fake /proc (no `proc`): its if_inet6 and sysctls are the test's, never the machine's
  it('ip=dhcp6 without udhcpc6: dhclient -6 by default; dhcp.script hands its BOUND6 to udhcpc6.script; dhclient is stopped', () => {
    nic('eth0');
    ipv6Kernel(LL);
    fr.tool('/usr/sbin/dhclient', sysrootDhcpStub('dhclient', '-sf'));
    lease({ reason: 'BOUND6', new_ip6_address: 'fd00:3::105', new_ip6_prefixlen: '128', new_dhcp6_name_servers: 'fd00:3::53 fd00:3::54', new_dhcp6_domain_search: 'dhcp6.test', new_max_life: '3600' });
    const r = run(`unset -f udhcpc6\nNET_DHCP_TIMEOUT_S=5\nnet_parse_ip eth0:dhcp6\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"\nkill -0 $(cat /tmp/dhclient.pid) 2>/dev/null && echo still running || echo stopped`);
    expect(r.stdout).toBe('up\nstopped\n');
    expect(log('dhclient')).toEqual(['-d -1 -6 -cf /run/initramfs/net/dhclient6.conf -sf /lib/mkinitramfs-ts/dhcp.script -pf /run/initramfs/net/dhclient6.eth0.pid -lf /run/initramfs/net/dhclient6.eth0.leases eth0']);
    expect(readFileSync(fr.disk('/run/initramfs/net/dhclient6.conf'), 'utf8')).toBe('request dhcp6.name-servers, dhcp6.domain-search;\ntimeout 5;\n');
    expect(log('ip')).toContain('-6 addr replace fd00:3::105/128 dev eth0');
    expect(readFileSync(fr.disk('/run/initramfs/net/lease6.eth0'), 'utf8')).toMatch(/^ip=fd00:3::105\/128$/m);
    expect(readFileSync(fr.disk('/run/initramfs/net/dns6.eth0'), 'utf8')).toBe('nameserver fd00:3::53\nnameserver fd00:3::54\n');
    // a v4 lease of the same interface is not touched
    expect(fr.exists('/run/initramfs/net/lease.eth0')).toBe(false);
  });

  it('rd.net.dhcp.client=dhcpcd with ip=dhcp6: dhcpcd -6; its IA_NA address (no prefix length: a /128)', () => {
    nic('eth0');
    ipv6Kernel(LL);
    fr.tool('/usr/sbin/dhcpcd', sysrootDhcpStub('dhcpcd', '-c'));
    lease({ reason: 'BOUND6', new_dhcp6_ia_na1_ia_addr1: 'fd00:3::106', new_dhcp6_name_servers: 'fd00:3::53' });
    const r = run(`CMDLINE=' rd.net.dhcp.client=dhcpcd'; NET_DHCP_TIMEOUT_S=4\nnet_parse_ip dhcp6\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"`);
    expect(r.stdout).toBe('up\n');
    expect(log('dhcpcd')).toEqual(['-B -p -6 -o dhcp6_name_servers -o dhcp6_domain_search -t 4 -c /lib/mkinitramfs-ts/dhcp.script eth0']);
    expect(log('ip')).toContain('-6 addr replace fd00:3::106/128 dev eth0');
    expect(readFileSync(fr.disk('/run/initramfs/net/dns6.eth0'), 'utf8')).toBe('nameserver fd00:3::53\n');
  });

  it('ip=dhcp6: no lease, no client, no IPv6, rd.net.dhcp.client=udhcpc without udhcpc6: each said', () => {
    nic('eth0');
    ipv6Kernel(LL);
    const r = run(`NET_DHCP_TIMEOUT_S=2\nnet_parse_ip dhcp6\nnet_configure eth0 || echo "down: $NET_ERROR"\n` +
      `unset -f udhcpc6; net_configure eth0 || echo "down: $NET_ERROR"\n` +
      `CMDLINE=' rd.net.dhcp.client=udhcpc'; net_configure eth0 || echo "down: $NET_ERROR"\nCMDLINE=''\n` +
      `udhcpc6() { /stub/udhcpc6 "$@"; }; rm -r /proc/sys/net/ipv6/conf/eth0; net_configure eth0 || echo "down: $NET_ERROR"`);
    expect(r.stdout).toBe('down: eth0: no DHCPv6 lease within 2s (rd.net.timeout.dhcp=)\n' +
      'down: no DHCP client in this image (busybox has no udhcpc6; build with --add dhclient or --add dhcpcd)\n' +
      'down: rd.net.dhcp.client=udhcpc: udhcpc6 is not in this image\n' +
      'down: eth0: the kernel has no IPv6 for it (ipv6.disable=1?)\n');
    expect(log('udhcpc6')).toHaveLength(1);
  });

  it('DHCPv6 waits for DAD: a leased address that failed it, and one still tentative at rd.net.timeout.ipv6dad=, are not up', () => {
    nic('eth0');
    ipv6Kernel(LL);
    lease({ ipv6: 'fd00:3::105' });
    // IFA_F_TENTATIVE|IFA_F_DADFAILED (0x48): another host has the address
    fr.file('/tmp/inet6.after', 'fd000003000000000000000000000105 02 80 00 c8     eth0\n');
    const failed = run(`NET_DHCP_TIMEOUT_S=2\nnet_parse_ip dhcp6\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"`);
    expect(failed.stdout).toBe('down: eth0: IPv6 address fd00:0003:0000:0000:0000:0000:0000:0105 failed duplicate address detection (another host on the link has it)\n');
    ipv6Kernel(LL);
    fr.file('/tmp/inet6.after', 'fd000003000000000000000000000105 02 80 00 c0     eth0\n');
    const slow = run(`${TICKER}CMDLINE=' rd.net.timeout.ipv6dad=2'; net_read_cmdline\nNET_DHCP_TIMEOUT_S=2\nnet_parse_ip dhcp6\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"\nkill $TICK`);
    expect(slow.stdout).toBe('down: eth0: IPv6 duplicate address detection not finished after 2s (rd.net.timeout.ipv6dad=)\n');
  });

  it('DHCPv6 starts once the link-local address is out of DAD (it is sent from there); none in time is said', () => {
    nic('eth0');
    ipv6Kernel('fe80000000000000505400fffe123456 02 40 20 c0     eth0\n');
    lease({ ipv6: 'fd00:3::105' });
    // the link-local address leaves DAD at uptime 101, within the 5 s; later there is none at all
    const r = run(`${ticker(`echo '${LL.trim()}' >/proc/net/if_inet6`)}NET_DAD_S=5 NET_DHCP_TIMEOUT_S=2\nnet_parse_ip dhcp6\nnet_configure eth0 && echo up || echo "down: $NET_ERROR"\n` +
      `kill $TICK; wait $TICK\n: >/proc/net/if_inet6\n${TICKER}NET_DAD_S=2; net_configure eth0 && echo up || echo "down: $NET_ERROR"\nkill $TICK`);
    expect(r.stdout).toBe('up\ndown: eth0: no IPv6 link-local address after 2s (rd.net.timeout.ipv6dad=)\n');
    expect(log('udhcpc6')).toHaveLength(1);
  });

  it('udhcpc6.script: hostile lease values are passed on as data, never run or globbed', () => {
    const r = fr.sh(`cd /usr/bin && sh -c ${q(`${STUBS}; . "$0"`)} ${LIB}/udhcpc6.script bound`, { interface: 'eth0', ipv6: '$(touch /tmp/ran)', prefixlen: '64;reboot', dns: '`touch /tmp/ran` *', search: '$(touch /tmp/ran)' });
    expect(r.status).toBe(0);
    expect(log('ip')).toEqual(['-6 addr replace $(touch /tmp/ran)/128 dev eth0']);
    expect(readFileSync(fr.disk('/run/initramfs/net/dns6.eth0'), 'utf8')).toBe('nameserver `touch\nnameserver /tmp/ran`\nnameserver *\n');
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it('ip=dhcp6 and ip=dhcp on one card: bring-up runs both, each with its own lease file', () => {
    nic('eth0');
    ipv6Kernel(LL);
    lease({ ip: '10.0.2.15', mask: '24', ipv6: 'fd00:3::105' });
    fr.file('/proc/cmdline', 'ip=eth0:dhcp ip=eth0:dhcp6 rd.neednet=1\n');
    const r = run(`read_cmdline; net_read_cmdline\nNET_DHCP_TIMEOUT_S=2\nnet_bring_up; echo "status $? up=$NET_UP failed=$NET_FAILED"`);
    expect(r.stdout.trim()).toBe('status 0 up=eth0 eth0 failed=');
    expect(fr.exists('/run/initramfs/net/lease.eth0')).toBe(true);
    expect(fr.exists('/run/initramfs/net/lease6.eth0')).toBe(true);
  });

  it('the failure report shows IPv6 routes, resolv.conf, the lease and the DHCP errors', () => {
    fr.file('/run/initramfs/net/lease.eth0', 'ip=10.0.2.15/24\n').file('/run/initramfs/net/error.eth1', 'cannot add the leased address\n').file('/etc/resolv.conf', 'nameserver 10.0.2.3\n');
    fr.tool('/stub/ip', 'echo "ip $*"');
    fr.file('/proc/partitions', 'major minor  #blocks  name\n\n 254        0   10485760 vda\n');
    fr.sh(`${STUBS}\nblkid() { printf '%s\\n' '/dev/vda: LABEL="a\\tb" TYPE="ext4"'; }\nwrite_report 'network: x\\ny'`);
    const report = readFileSync(fr.disk('/run/initramfs/rdsosreport.txt'), 'utf8');
    expect(report).toContain('reason: network: x\\ny\n');
    expect(report).toContain('  /dev/vda LABEL="a\\tb" TYPE="ext4"\n');
    expect(report).toContain('  route6: ip -6 route show\n');
    expect(report).toContain('  resolv.conf: nameserver 10.0.2.3\n');
    expect(report).toContain('  lease.eth0: ip=10.0.2.15/24\n');
    expect(report).toContain('  error.eth1: cannot add the leased address\n');
  });
});

it('the hooks tested here are the ones the manifests install', () => {
  for (const [feature, script] of [['network', HOOKS.netUp], ['network', HOOKS.netWait], ['network', HOOKS.netTimeout], ['nbd', HOOKS.nbdConnect], ['nbd', HOOKS.nbdTimeout]] as const) {
    expect(readFileSync(join(BUILTIN_MODULES_D, feature, 'module.toml'), 'utf8'), `${feature}/${script}`).toContain(`script = "${script}"`);
  }
  expect(hookPath('pre-mount', 10, 'network', HOOKS.netWait)).toMatch(/pre-mount/);
});
