// /etc/initrd-release: systemd takes its presence as "this is an initrd" (it then boots initrd.target
// and switches root at the end) and shows its PRETTY_NAME. Made from the sysroot's os-release.
import type { Host } from '../host/host.js';

export function initrdRelease(host: Host): string {
  const osRelease = host.tryReadText('/etc/os-release') ?? host.tryReadText('/usr/lib/os-release') ?? '';
  const lines = osRelease.split('\n').filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l) && !l.startsWith('PRETTY_NAME=') && !l.startsWith('VARIANT'));
  const pretty = /^PRETTY_NAME=(["']?)(.*)\1\s*$/m.exec(osRelease)?.[2] ?? /^NAME=(["']?)(.*)\1\s*$/m.exec(osRelease)?.[2] ?? 'Linux';
  const quoted = (v: string): string => `"${v.replace(/["\\`$]/g, (c) => `\\${c}`)}"`;
  lines.push(`PRETTY_NAME=${quoted(`${pretty} initramfs (mkinitramfs-ts)`)}`, 'VARIANT="initramfs"', 'VARIANT_ID=initramfs');
  return `${lines.join('\n')}\n`;
}
