// A small, hand-written kernel module tree that exercises kmod's rules: dependencies, softdeps from
// modules.softdep and modprobe.d, aliases, builtins, options, install commands, a blacklist,
// symbols and firmware. Every .ko is a real (tiny) ELF module from make-ko.
import { makeKo } from '../../support/make-ko.js';
import { KDIR, KVER, makeTree, type TempTree } from './tree.js';

const MODULES: Record<string, { path: string; deps: string[]; modinfo?: Array<[string, string]>; imports?: string[] }> = {
  crc32c_intel: { path: 'kernel/arch/x86/crypto/crc32c-intel.ko', deps: [] },
  crc32c_generic: { path: 'kernel/crypto/crc32c_generic.ko', deps: [] },
  crc16: { path: 'kernel/lib/crc16.ko', deps: [] },
  mbcache: { path: 'kernel/fs/mbcache.ko', deps: [] },
  jbd2: { path: 'kernel/fs/jbd2/jbd2.ko', deps: [] },
  ext4: {
    path: 'kernel/fs/ext4/ext4.ko',
    deps: ['kernel/lib/crc16.ko', 'kernel/fs/mbcache.ko', 'kernel/fs/jbd2/jbd2.ko'],
    imports: ['printk', 'jbd2_journal_start', 'crc16', 'jbd2_journal_stop', 'mb_cache_create'],
  },
  virtio: { path: 'kernel/drivers/virtio/virtio.ko', deps: [] },
  virtio_ring: { path: 'kernel/drivers/virtio/virtio_ring.ko', deps: [] },
  virtio_blk: {
    path: 'kernel/drivers/block/virtio_blk.ko',
    deps: ['kernel/drivers/virtio/virtio_ring.ko', 'kernel/drivers/virtio/virtio.ko'],
    modinfo: [['firmware', 'fw/a.bin'], ['firmware', 'fw/b.bin'], ['firmware', 'fw/c.bin'], ['firmware', 'fw/missing.bin']],
  },
  virtio_pci: { path: 'kernel/drivers/virtio/virtio_pci.ko', deps: ['kernel/drivers/virtio/virtio_ring.ko', 'kernel/drivers/virtio/virtio.ko'] },
  usbcore: { path: 'kernel/drivers/usb/core/usbcore.ko', deps: [] },
  ehci_hcd: { path: 'kernel/drivers/usb/host/ehci-hcd.ko', deps: ['kernel/drivers/usb/core/usbcore.ko'] },
  uhci_hcd: { path: 'kernel/drivers/usb/host/uhci-hcd.ko', deps: ['kernel/drivers/usb/core/usbcore.ko'] },
  snd_pcsp: { path: 'kernel/sound/drivers/pcsp/snd-pcsp.ko', deps: [] },
  evil: { path: 'kernel/drivers/misc/evil.ko', deps: [] },
};

const MODULES_ALIAS = `# Aliases extracted from modules themselves.
alias crypto-crc32c crc32c_generic
alias crc32c crc32c_intel
alias crypto-crc32c crc32c_intel
alias fs-ext4 ext4
alias virtio:d00000002v* virtio_blk
alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci
alias pci:v0000BEEFd*sv*sd*bc*sc*i* evil
alias usb:v*p*d*dc*dsc*dp*ic0Cisc03ip00in* uhci_hcd
alias dmi*:svnBEEF:* evil
`;

const MODULES_SOFTDEP = `# Soft dependencies extracted from modules themselves.
softdep ext4 pre: crypto-crc32c
softdep jbd2 pre: crypto-crc32c
softdep crc16 mbcache
softdep crc16 pre: mbcache
`;

const BUILTIN_MODINFO = ['debugfs.file=fs/debugfs/debugfs', 'debugfs.alias=fs-debugfs', 'hmac.alias=crypto-hmac', ''].join('\0');

export function fakeKernel(extra: Record<string, string | Uint8Array> = {}): TempTree {
  const files: Record<string, string | Uint8Array> = {};
  const order = Object.values(MODULES).map((m) => m.path);
  files[`${KDIR}/modules.dep`] = Object.values(MODULES)
    .map((m) => `${m.path}:${m.deps.map((d) => ` ${d}`).join('')}\n`)
    .join('');
  for (const [name, m] of Object.entries(MODULES))
    files[`${KDIR}/${m.path}`] = makeKo({ modinfo: [['name', name], ...(m.modinfo ?? [])], undefinedSymbols: m.imports ?? [] });
  files[`${KDIR}/modules.order`] = `${order.join('\n')}\n`;
  files[`${KDIR}/modules.alias`] = MODULES_ALIAS;
  files[`${KDIR}/modules.softdep`] = MODULES_SOFTDEP;
  files[`${KDIR}/modules.symbols`] = [
    '# Aliases for symbols, used by symbol_request().',
    'alias symbol:jbd2_journal_start jbd2',
    'alias symbol:jbd2_journal_stop jbd2',
    'alias symbol:crc16 crc16',
    'alias symbol:mb_cache_create mbcache',
    '',
  ].join('\n');
  files[`${KDIR}/modules.builtin`] = 'kernel/fs/debugfs/debugfs.ko\nkernel/crypto/hmac.ko\n';
  files[`${KDIR}/modules.builtin.modinfo`] = BUILTIN_MODINFO;
  files['etc/modprobe.d/a.conf'] = 'options snd-pcsp index=-2\nalias my-disk virtio-blk\nalias crc32c crc32c_generic\n';
  files['lib/modprobe.d/a.conf'] = 'options snd-pcsp index=99\n'; // shadowed by /etc/modprobe.d/a.conf
  files['lib/modprobe.d/b.conf'] = [
    '# comment',
    'options snd_pcsp \\',
    '  foo=1',
    'softdep uhci-hcd pre: ehci-hcd',
    'softdep virtio_blk post: virtio_pci',
    'install uhci_hcd /bin/echo never-run-because-of-softdeps',
    'install ehci_hcd /sbin/modprobe --ignore-install ehci_hcd',
    'install fakefs /bin/true',
    'blacklist evil',
    'bogus line',
    '',
  ].join('\n');
  files['lib/modprobe.d/ignored.txt'] = 'blacklist ext4\n';
  files['lib/firmware/fw/a.bin.xz'] = 'xz';
  files['lib/firmware/fw/b.bin'] = 'old';
  files[`lib/firmware/updates/fw/b.bin`] = 'new';
  files['usr/lib/firmware/fw/real-c.bin'] = 'c';
  Object.assign(files, extra);
  return makeTree(files);
}

export { KDIR, KVER };
