// The nfs feature's parser of the NFS root forms — dracut's root=nfs:/nfs4:[SERVER:]/PATH[:OPTIONS],
// the kernel's root=/dev/nfs nfsroot=[SERVER:]/PATH[,OPTIONS] (nfsroot.rst) and root=dhcp with the
// lease's root-path and server — under busybox ash and dash, in a fake root with net-lib.sh and
// nfs-lib.sh at their image paths. Hostile values are refused with a message naming them and never run.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { nfsRootArg } from '../../../src/hostonly/host-only-inputs.js';
import { FakeRoot, q, type Shell } from './fake-root.js';

const FIELDS = ['NFS_ROOT', 'NFS_KIND', 'NFS_SERVER', 'NFS_SERVER_IP', 'NFS_PATH', 'NFS_OPTIONS', 'NFS_FROM_DHCP'];
const LIBS = '. /lib/mkinitramfs-ts/net-lib.sh; . /lib/mkinitramfs-ts/nfs-lib.sh';

describe.each<Shell>(['busybox', 'dash'])('NFS root command line (%s)', (shell) => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create({ shell });
    for (const f of ['network/net-lib.sh', 'nfs/nfs-lib.sh']) fr.file(`/lib/mkinitramfs-ts/${f.split('/')[1]}`, readFileSync(join(BUILTIN_MODULES_D, f), 'utf8'));
  });
  afterEach(() => fr.cleanup());

  const fields = (out: string): Record<string, string> | { error: string } => {
    const kv = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]).filter(([, v]) => v !== ''));
    return 'ERROR' in kv ? { error: kv['ERROR'] as string } : kv;
  };
  const print = FIELDS.map((f) => `printf '%s=%s\\n' ${f} "$${f}"`).join('; ');

  /** nfs_read_cmdline with the kernel command line `kernel`: the fields it set, or the error. */
  const read = (kernel: string): Record<string, string> | { error: string } => {
    fr.file('/proc/cmdline', `${kernel}\n`);
    const r = fr.sh(`${LIBS}\nread_cmdline\nif nfs_read_cmdline; then ${print}; else printf 'ERROR=%s\\n' "$NFS_ERROR"; fi`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return fields(r.stdout);
  };

  it('root=nfs: and root=nfs4: with a server, a path and options (dracut.cmdline(7))', () => {
    expect(read('root=nfs:10.0.3.1:/srv/root')).toEqual({ NFS_ROOT: 'nfs', NFS_KIND: 'nfs', NFS_SERVER: '10.0.3.1', NFS_SERVER_IP: '10.0.3.1', NFS_PATH: '/srv/root' });
    expect(read('root=nfs4:nfs.example.org:/exports/node-1:rsize=65536,wsize=65536,sec=sys')).toEqual({
      NFS_ROOT: 'nfs4', NFS_KIND: 'nfs4', NFS_SERVER: 'nfs.example.org', NFS_PATH: '/exports/node-1', NFS_OPTIONS: 'rsize=65536,wsize=65536,sec=sys',
    });
    expect(read('root=nfs:[2001:db8::1]:/srv/root:vers=4.2')).toEqual({
      NFS_ROOT: 'nfs', NFS_KIND: 'nfs', NFS_SERVER: '[2001:db8::1]', NFS_SERVER_IP: '2001:db8::1', NFS_PATH: '/srv/root', NFS_OPTIONS: 'vers=4.2',
    });
    // the kernel's legacy ',' between path and options
    expect(read('root=nfs:10.0.3.1:/srv/root,tcp,vers=3')).toMatchObject({ NFS_PATH: '/srv/root', NFS_OPTIONS: 'tcp,vers=3' });
  });

  it('without a server the lease says (root=nfs:/PATH), and root=dhcp takes the whole root-path from it', () => {
    expect(read('root=nfs:/srv/root')).toEqual({ NFS_ROOT: 'nfs', NFS_KIND: 'nfs', NFS_PATH: '/srv/root', NFS_FROM_DHCP: '1' });
    expect(read('root=dhcp')).toEqual({ NFS_ROOT: 'dhcp', NFS_FROM_DHCP: '1' });
  });

  it("root=/dev/nfs with the kernel's nfsroot=[SERVER:]/PATH[,OPTIONS]; without nfsroot= the lease or /tftpboot/%s", () => {
    expect(read('root=/dev/nfs nfsroot=10.0.3.1:/srv/root,vers=4,proto=tcp')).toEqual({
      NFS_ROOT: '/dev/nfs', NFS_KIND: 'nfs', NFS_SERVER: '10.0.3.1', NFS_SERVER_IP: '10.0.3.1', NFS_PATH: '/srv/root', NFS_OPTIONS: 'vers=4,proto=tcp',
    });
    expect(read('root=/dev/nfs nfsroot=/tftpboot/%s')).toEqual({ NFS_ROOT: '/dev/nfs', NFS_KIND: 'nfs', NFS_PATH: '/tftpboot/%s', NFS_FROM_DHCP: '1' });
    expect(read('root=/dev/nfs')).toEqual({ NFS_ROOT: '/dev/nfs', NFS_KIND: 'nfs', NFS_FROM_DHCP: '1' });
  });

  it('what host-only embeds for an NFS root is read back as the same server, export and options', () => {
    const embedded = nfsRootArg({ kind: 'nfs4', server: '[2001:db8::1]', path: '/export/root', options: 'vers=4.2,hard,proto=tcp6,sec=sys' });
    expect(read(embedded)).toEqual({
      NFS_ROOT: 'nfs4', NFS_KIND: 'nfs4', NFS_SERVER: '[2001:db8::1]', NFS_SERVER_IP: '2001:db8::1', NFS_PATH: '/export/root', NFS_OPTIONS: 'vers=4.2,hard,proto=tcp6,sec=sys',
    });
    expect(read(nfsRootArg({ kind: 'nfs', server: 'nfs.example.org', path: '/srv/root', options: '' }))).toMatchObject({ NFS_KIND: 'nfs', NFS_SERVER: 'nfs.example.org', NFS_PATH: '/srv/root' });
  });

  it('every NFS root form wants the network (the network feature reads root= too)', () => {
    for (const root of ['nfs:10.0.3.1:/srv/root', 'nfs4:10.0.3.1:/srv/root', '/dev/nfs', 'dhcp']) {
      fr.file('/proc/cmdline', `root=${root}\n`);
      const r = fr.sh(`${LIBS}\nread_cmdline\nnet_read_cmdline; echo "wanted=$NET_WANTED"`);
      expect(r.stdout.trim(), root).toBe('wanted=1');
    }
  });

  it('a root on a block device is not an NFS root; nfsroot= without root=/dev/nfs is an error', () => {
    expect(read('root=UUID=0a1b2c3d-0000-4000-8000-000000000001')).toEqual({});
    expect(read('root=nbd:10.0.2.2:10809')).toEqual({});
    expect(read('root=/dev/vda nfsroot=10.0.3.1:/srv')).toEqual({ error: 'nfsroot=10.0.3.1:/srv is given but root= is not /dev/nfs' });
  });

  it('refuses what is not valid, naming the value and why', () => {
    const bad: Array<[string, RegExp]> = [
      ['root=nfs:', /^root=nfs:: no path/],
      ['root=nfs:10.0.3.1:srv/root', /has no absolute path/],
      ['root=nfs:10.0.3.1', /has no absolute path/],
      ['root=nfs:10.0.3.300:/srv', /server '10\.0\.3\.300' is not an address or a host name/],
      ['root=nfs:-o:/srv', /server '-o'/],
      ['root=nfs:[2001:db8::1:/srv', /is not \[IPv6\]:\/PATH/],
      ['root=nfs:[zz]:/srv', /server '\[zz\]'/],
      ['root=nfs:10.0.3.1:/srv/%d', /path '\/srv\/%d'/],
      ['root=nfs:10.0.3.1:/srv:-v', /mount options '-v'/],
      ['root=nfs:10.0.3.1:/srv:ro,-n', /mount options 'ro,-n'/],
      ['root=nfs4:10.0.3.1:/srv;reboot', /^root=nfs4:10\.0\.3\.1:\/srv;reboot: a character that no field of root=nfs4: has/],
      ['root=nfs:10.0.3.1:/$(touch${IFS}/tmp/ran)', /a character/],
      ['root=nfs:`id`:/srv', /a character/],
      ['root=nfs:10.0.3.1:/srv/*', /a character/],
      ['root=/dev/nfs nfsroot=', /^nfsroot=: empty value/],
      ['root=/dev/nfs nfsroot=10.0.3.1:/srv,-o', /^nfsroot=10\.0\.3\.1:\/srv,-o: mount options '-o'/],
      ["root=/dev/nfs nfsroot=10.0.3.1:/srv'x", /a character that no field of nfsroot= has/],
    ];
    for (const [kernel, why] of bad) {
      const r = read(kernel);
      expect(r, kernel).toHaveProperty('error');
      expect((r as { error: string }).error, kernel).toMatch(why);
    }
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  /** nfs_read_cmdline, then nfs_resolve with the network up on eth0 and `lease` as its lease file. */
  const resolve = (kernel: string, lease: string | undefined): Record<string, string> | { error: string } => {
    fr.file('/proc/cmdline', `${kernel}\n`);
    if (lease !== undefined) fr.file('/run/initramfs/net/lease.eth0', lease);
    else rmSync(fr.disk('/run/initramfs/net/lease.eth0'), { force: true });
    // `ip -o -4 addr show dev eth0` as busybox prints it, for "%s" (a function: busybox ash prefers its applets to PATH)
    const r = fr.sh(`ip() { echo "2: eth0    inet 10.0.3.2/24 scope global eth0"; }\n${LIBS}\nread_cmdline\nNET_UP=eth0\nnfs_read_cmdline || exit 9\nif nfs_resolve; then ${print}; else printf 'ERROR=%s\\n' "$NFS_ERROR"; fi`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return fields(r.stdout);
  };
  const LEASE = 'interface=eth0\nip=10.0.3.2/24\nrouter=\nserver=10.0.3.254\nrootpath=nfs4:10.0.3.1:/srv/root:vers=4.1\nsiaddr=10.0.3.1\n';

  it('root=dhcp: the root-path of the lease (option 17), in any of the forms', () => {
    expect(resolve('root=dhcp', LEASE)).toMatchObject({ NFS_KIND: 'nfs4', NFS_SERVER: '10.0.3.1', NFS_PATH: '/srv/root', NFS_OPTIONS: 'vers=4.1' });
    expect(resolve('root=dhcp', 'rootpath=/srv/%s\nsiaddr=10.0.3.1\nserver=10.0.3.254\n')).toMatchObject({ NFS_KIND: 'nfs', NFS_SERVER: '10.0.3.1', NFS_PATH: '/srv/10.0.3.2' });
    expect(resolve('root=dhcp', 'rootpath=\nsiaddr=10.0.3.1\n')).toEqual({ error: 'root=dhcp: the DHCP lease has no root-path (option 17) on eth0' });
    expect(resolve('root=dhcp', 'rootpath=iscsi:10.0.3.1::::iqn.x\n')).toEqual({ error: "DHCP root-path: root-path 'iscsi:10.0.3.1::::iqn.x' is not an NFS path (nfs:, nfs4: or [SERVER:]/PATH)" });
    expect(resolve('root=dhcp', 'rootpath=/srv/$(reboot)\n')).toMatchObject({ error: expect.stringMatching(/^DHCP root-path: a character/) });
  });

  it('a missing server comes from the lease: next-server (siaddr), then the server identifier', () => {
    expect(resolve('root=nfs:/srv/root', LEASE)).toMatchObject({ NFS_SERVER: '10.0.3.1', NFS_PATH: '/srv/root' });
    expect(resolve('root=nfs:/srv/root', 'rootpath=\nsiaddr=0.0.0.0\nserver=10.0.3.254\n')).toMatchObject({ NFS_SERVER: '10.0.3.254' });
    expect(resolve('root=nfs:/srv/root', undefined)).toEqual({ error: 'no server in /srv/root and none from DHCP (next-server, server identifier)' });
    expect(resolve('root=/dev/nfs', 'siaddr=10.0.3.1\n')).toMatchObject({ NFS_SERVER: '10.0.3.1', NFS_PATH: '/tftpboot/10.0.3.2' });
    // a server given is kept
    expect(resolve('root=nfs:10.0.3.9:/srv/root', LEASE)).toMatchObject({ NFS_SERVER: '10.0.3.9' });
  });

  /** nfs_mount_options for `kernel` (mount.nfs present or not): the options the root is mounted with. */
  const options = (kernel: string, mountNfs = true): string => {
    fr.file('/proc/cmdline', `${kernel}\n`);
    const r = fr.sh(`${LIBS}\nread_cmdline\nnfs_read_cmdline || exit 9\nNFS_HAVE_MOUNT_NFS=${mountNfs ? 1 : ''}\nnfs_mount_options\necho "$NFS_VERSION $NFS_MOUNT_OPTS"`);
    expect(r.status).toBe(0);
    return `${r.stdout.trim()}${r.stderr.trim() ? ` | ${r.stderr.trim()}` : ''}`;
  };

  it('mount options: ro unless rw, v3 by default and always nolock, v4 for nfs4:, retry=0 for mount.nfs', () => {
    expect(options('root=nfs:10.0.3.1:/srv')).toBe('3 ro,vers=3,nolock,retry=0');
    expect(options('root=nfs:10.0.3.1:/srv rw')).toBe('3 rw,vers=3,nolock,retry=0');
    expect(options('root=nfs:10.0.3.1:/srv:rw ro')).toBe('3 ro,vers=3,nolock,retry=0');
    expect(options('root=nfs4:10.0.3.1:/srv')).toBe('4 ro,vers=4,retry=0');
    expect(options('root=nfs:10.0.3.1:/srv:vers=4.2,rsize=8192,retry=1')).toBe('4.2 ro,vers=4.2,rsize=8192,retry=1');
    expect(options('root=nfs:10.0.3.1:/srv', false)).toBe('3 ro,vers=3,nolock');
    expect(options('root=nfs:10.0.3.1:/srv:lock')).toMatch(/^3 ro,vers=3,nolock,retry=0 \| .*'lock' is not supported for an NFSv3 root/);
  });

  /** nfs_mount for `kernel` with the network up: the command it runs (one word a line), or its error.
   *  `timeout`, `load_module` and `is_mounted` are shell functions here: nothing is mounted. */
  const mountCommand = (kernel: string, mountNfs: boolean): string => {
    fr.file('/proc/cmdline', `${kernel}\n`);
    if (mountNfs) {
      fr.file('/usr/sbin/mount.nfs', '#!/bin/sh\nexit 0\n');
      chmodSync(fr.disk('/usr/sbin/mount.nfs'), 0o755);
    } else rmSync(fr.disk('/usr/sbin/mount.nfs'), { force: true });
    const r = fr.sh(
      `${LIBS}\ntimeout() { shift 3; printf '%s\\n' "$@" >/tmp/argv; }\nload_module() { echo "load $1"; }\nis_mounted() { return 0; }\nread_cmdline\nNET_UP=eth0\nnfs_read_cmdline || exit 9\nnfs_resolve || exit 8\nrm -f /tmp/argv\nif nfs_mount; then cat /tmp/argv; else echo "ERROR: $NFS_LAST_ERROR"; fi`,
    );
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('the mount: mount.nfs SERVER:PATH /sysroot -o OPTIONS, else busybox mount with the kernel\'s addr= (an address only)', () => {
    expect(mountCommand('root=nfs:10.0.3.1:/srv/root', true).split('\n')).toEqual(['load nfsv3', 'mount.nfs', '10.0.3.1:/srv/root', '/sysroot', '-o', 'ro,vers=3,nolock,retry=0']);
    expect(mountCommand('root=nfs4:[2001:db8::1]:/srv/root rw', true).split('\n')).toEqual(['load nfsv4', 'mount.nfs', '[2001:db8::1]:/srv/root', '/sysroot', '-o', 'rw,vers=4,retry=0']);
    expect(mountCommand('root=nfs:10.0.3.1:/srv/root', false).split('\n')).toEqual(['load nfsv3', 'mount', '-t', 'nfs', '-o', 'ro,vers=3,nolock,addr=10.0.3.1', '10.0.3.1:/srv/root', '/sysroot']);
    expect(mountCommand('root=nfs4:[2001:db8::1]:/srv/root', false).split('\n')).toEqual(['load nfsv4', 'mount', '-t', 'nfs4', '-o', 'ro,vers=4,addr=2001:db8::1', '[2001:db8::1]:/srv/root', '/sysroot']);
    expect(mountCommand('root=nfs:nfs.example.org:/srv/root', false)).toMatch(/ERROR: server nfs\.example\.org is a host name, and this image has no mount\.nfs/);
  });
});
