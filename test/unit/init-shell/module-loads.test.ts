// Module loads under both shells /init runs with, each with its real modprobe: busybox ash with
// busybox 1.35's, dash with kmod 30's (the userspace feature). The fake root's module tree holds a
// module file this machine's kernel will not take (a tiny ELF with a .modinfo, indexed by the real
// depmod: a kernel without module support answers ENOSYS, one with it ENOEXEC), and sysfs devices
// whose modaliases it claims or that nothing claims. What the real modprobe says is what
// module-loads.sh sorts: a refused load is said once and reported, an unclaimed name stays quiet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKo } from '../../support/make-ko.js';
import { FakeRoot } from './fake-root.js';

const DISK_MODALIAS = 'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00';
const NOBODY_MODALIAS = 'pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01';
/** What the kernel answers here, in busybox's words or kmod's (strerror): ENOSYS, ENOEXEC or EPERM. */
const REASON = '(kernel does not support requested operation|Function not implemented|invalid module format|Exec format error|Operation not permitted)';
const SAID = new RegExp(`^mkinitramfs-ts: cannot load module refused_disk: ${REASON}`);

const lines = (s: string): string[] => s.split('\n').filter(Boolean);

describe.each(['busybox', 'dash'] as const)('module loads under %s', (shell) => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create({ shell });
    fr.dir('/run/initramfs');
    // the file name has a dash, the module name an underscore (as nvme-core.ko is nvme_core)
    fr.modules({
      'kernel/drivers/block/refused-disk.ko': makeKo({ modinfo: [['alias', 'pci:v00001AF4d00001001sv*sd*bc*sc*i*'], ['license', 'GPL']] }),
    });
    fr.busDevice('pci', '/sys/devices/pci0000:00/0000:00:02.0', DISK_MODALIAS);
    fr.busDevice('pci', '/sys/devices/pci0000:00/0000:00:03.0', NOBODY_MODALIAS);
  });
  afterEach(() => fr.cleanup());

  it('runs the modprobe of its kind', () => {
    if (shell === 'dash') expect(fr.out('modprobe -V')).toMatch(/^kmod version 30/);
    else expect(fr.sh('modprobe --help').stderr).toMatch(/BusyBox v1\.35/);
    expect(fr.out('echo "[$MODPROBE_Q]"')).toBe(shell === 'busybox' ? '[-q]\n' : '[]\n');
  });

  it('load_module of a module the kernel refuses: status 2, said once with the reason, kept in failed-modules', () => {
    const r = fr.sh('load_module refused_disk; echo "first $?"; load_module refused_disk; echo "again $?"; cat /run/initramfs/failed-modules');
    expect(r.stdout).toMatch(new RegExp(`^first 2\nagain 2\nrefused_disk: ${REASON}[^\n]*\n$`));
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(SAID);
  });

  it('a name or a modalias that no module claims: status 1, nothing said, nothing recorded', () => {
    const r = fr.sh(`load_module no_such_module; echo "name $?"; load_module ${NOBODY_MODALIAS}; echo "alias $?"; [ -e /run/initramfs/failed-modules ] || echo "no record"`);
    expect(r.stdout).toBe('name 1\nalias 1\nno record\n');
    expect(r.stderr).toBe('');
  });

  it('forced drivers: a refused one is said with its reason, a missing one with "no module of that name"', () => {
    const r = fr.sh('CMDLINE=" rd.driver.pre=refused_disk,not_there"; load_forced_drivers');
    const said = lines(r.stderr);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(SAID);
    expect(said[1]).toBe('mkinitramfs-ts: warning: cannot load forced driver not_there: no module of that name in this image');
  });

  it('coldplug: the refused driver of a device is reported once when the loads are waited for; the unclaimed modalias stays quiet', () => {
    const r = fr.sh('coldplug; coldplug_wait; coldplug; coldplug_wait; cat /run/initramfs/failed-modules');
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stdout).toMatch(new RegExp(`^refused_disk: ${REASON}`));
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(SAID);
  });

  it('coldplug: a later round reports a background load that failed, without coldplug_wait (a finished modprobe, seen in /proc)', () => {
    const r = fr.sh(
      'coldplug; n=0; while [ -n "$COLDPLUG_PIDS" ] && [ $n -lt 200 ]; do sleep 0.05; coldplug; n=$((n + 1)); done; echo "left [$COLDPLUG_PIDS]"',
      {},
      { proc: true },
    );
    expect(r.stdout).toBe('left []\n');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(SAID);
  });

  it('the failure report and its console summary list the modules that failed to load next to the modaliases nothing claims', () => {
    const summary = fr.out('coldplug; coldplug_wait 2>/dev/null; . /lib/mkinitramfs-ts/emergency.sh; write_report "test"; report_summary');
    const expected = new RegExp(
      [
        'modaliases no module in this image claims \\(devices without a driver\\):',
        `  ${NOBODY_MODALIAS}  \\(/devices/pci0000:00/0000:00:03\\.0\\)`,
        '',
        'modules that failed to load \\(in the image, refused by the kernel\\):',
        `  refused_disk: ${REASON}[^\n]*`,
        '',
      ].join('\n'),
    );
    expect(summary).toMatch(expected);
    expect(summary).toMatch(/A full report is in \/run\/initramfs\/rdsosreport\.txt\n$/);
    const report = fr.out('cat /run/initramfs/rdsosreport.txt');
    expect(report).toMatch(expected);
    expect(report).not.toContain(DISK_MODALIAS);
  });

  it('the report names the image’s features (image.conf’s IMAGE_FEATURES)', () => {
    fr.out('IMAGE_FEATURES="base crypt lvm"; . /lib/mkinitramfs-ts/emergency.sh; write_report "test"');
    expect(fr.out('sed -n 4p /run/initramfs/rdsosreport.txt')).toBe('features: base crypt lvm\n');
  });

  it('with no failed load the report says "(none)"', () => {
    fr.file('/sys/devices/pci0000:00/0000:00:02.0/modalias', `${NOBODY_MODALIAS}\n`);
    const summary = fr.out('coldplug; coldplug_wait; . /lib/mkinitramfs-ts/emergency.sh; write_report "test"; report_summary');
    expect(summary).toMatch(/modules that failed to load \(in the image, refused by the kernel\):\n {2}\(none\)\n/);
  });

  // The kernel of these machines cannot say "No such device" or "already loaded" to a unit test: these
  // are the two modprobes' lines as their own format strings write them.
  it('"No such device" (a module that found nothing to drive) is recorded but not said; "already loaded" is no failure', () => {
    const said =
      shell === 'busybox'
        ? ["modprobe: can't load module crypto-crc32c (kernel/arch/x86/crypto/crc32c-intel.ko): No such device", "modprobe: can't load module scsi_mod (kernel/drivers/scsi/scsi_mod.ko): File exists"]
        : ["modprobe: ERROR: could not insert 'crc32c_intel': No such device", "modprobe: ERROR: could not insert 'scsi_mod': Module already in kernel"];
    fr.file('/tmp/said', `${said.join('\n')}\n`);
    const r = fr.sh('loads_check /tmp/said; echo "refused [$LOADS_REFUSED]"; cat /run/initramfs/failed-modules');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^refused \[1\]\ncrc32c_intel: No such device( \(kernel: [^\n]*\))?\n$/);
  });
});
