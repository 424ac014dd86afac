// The systemd unit reader (src/systemd/) on the real unit files of Debian 12's and 13's systemd: as
// they are in the sysroots, and in small trees made from their text plus the drop-ins and hostile
// names a sysroot may hold.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsHost } from '../../src/host/fs-host.js';
import { collectUnits } from '../../src/systemd/unit-closure.js';
import { link, makeSysroot, type Sysroot, type TreeNode } from '../unit/elf/sysroot-tree.js';
import { debianRoot, trixieRoot } from '../support/fixtures.js';

const U = 'usr/lib/systemd/system';
const real = (root: string, unit: string): string => readFileSync(join(root, U, unit), 'utf8');
let sys: Sysroot | undefined;
afterEach(() => sys?.cleanup());
const tree = (spec: Record<string, TreeNode>): FsHost => (sys = makeSysroot(spec)).host;

describe('systemd unit reader on Debian 12 and 13 unit files', () => {
  it("an Accept=yes socket brings its service template (Debian 13's systemd-creds.socket → systemd-creds@.service)", () => {
    const c = collectUnits(new FsHost({ root: trixieRoot() }), ['systemd-creds.socket'], [], 'feature t');
    expect(c.files.has(`/${U}/systemd-creds@.service`)).toBe(true);
    expect([...c.programs.keys()]).toContain('/usr/bin/systemd-creds');
    expect(c.files.has(`/${U}/systemd-creds.service`)).toBe(false);
  });

  it("a service's Sockets= units come along (Debian 13's systemd-udevd.service names its two sockets there only)", () => {
    const c = collectUnits(new FsHost({ root: trixieRoot() }), ['systemd-udevd.service'], [], 'feature t');
    expect(c.files.has(`/${U}/systemd-udevd-control.socket`)).toBe(true);
    expect(c.files.has(`/${U}/systemd-udevd-kernel.socket`)).toBe(true);
    // its drop-in (Debian's syscall-architecture.conf) is copied with it
    expect(c.files.has(`/${U}/systemd-udevd.service.d/syscall-architecture.conf`)).toBe(true);
  });

  it("Slice= with %i of the instance, the slices above it, an instance's drop-in hiding its template's (Debian 12's user@0.service)", () => {
    const c = collectUnits(new FsHost({ root: debianRoot() }), ['user@0.service'], [], 'feature t');
    expect(c.skipped.get('user-0.slice')).toMatch(/not in .*pulled in by user@0.service/);
    expect(c.files.has(`/${U}/user.slice`)).toBe(true);
    // Debian's user@0.service.d/10-login-barrier.conf hides the template's drop-in of the same name
    expect(c.files.has(`/${U}/user@0.service.d/10-login-barrier.conf`)).toBe(true);
    expect(c.files.has(`/${U}/user@.service.d/10-login-barrier.conf`)).toBe(false);
  });

  it('drop-ins of every unit folder, of "-" prefixes and type-wide service.d/ are merged before Exec lines and conditions are read', () => {
    const root = trixieRoot();
    const host = tree({
      // an unmerged /usr: /lib/systemd/system is a folder of its own
      [`${U}/systemd-udevd.service`]: real(root, 'systemd-udevd.service'),
      [`${U}/systemd-journald.service`]: real(root, 'systemd-journald.service'),
      [`${U}/systemd-fsck-root.service`]: real(root, 'systemd-fsck-root.service'),
      [`${U}/t.target`]: '[Unit]\nWants=systemd-udevd.service systemd-journald.service systemd-fsck-root.service\n',
      // resets ExecStart= and runs a wrapper instead
      'lib/systemd/system/systemd-udevd.service.d/50-wrap.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/udev-wrapper\n',
      // every service runs this first
      [`${U}/service.d/10-all.conf`]: '[Service]\nExecStartPre=/usr/bin/pre-all\n',
      // a prefix drop-in for every systemd-fsck*.service: not in an initrd
      [`${U}/systemd-fsck-.service.d/10-no-initrd.conf`]: '[Unit]\nConditionPathExists=!/etc/initrd-release\n',
      'usr/lib/systemd/systemd-udevd': '#!/bin/sh\n',
      'usr/lib/systemd/systemd-journald': '#!/bin/sh\n',
      'usr/bin/udev-wrapper': '#!/bin/sh\n',
      'usr/bin/pre-all': '#!/bin/sh\n',
    });
    const c = collectUnits(host, ['t.target'], [], 'feature t');
    expect(c.files.has('/lib/systemd/system/systemd-udevd.service.d/50-wrap.conf')).toBe(true);
    expect(c.files.has(`/${U}/service.d/10-all.conf`)).toBe(true);
    expect(c.programs.get('/usr/bin/udev-wrapper')).toBe('run by systemd unit systemd-udevd.service');
    expect(c.programs.has('/usr/lib/systemd/systemd-udevd')).toBe(false);
    expect(c.programs.has('/usr/bin/pre-all')).toBe(true);
    expect(c.programs.has('/usr/lib/systemd/systemd-journald')).toBe(true);
    expect(c.skipped.get('systemd-fsck-root.service')).toMatch(/never runs in an initrd/);
    expect(c.files.has(`/${U}/systemd-fsck-root.service`)).toBe(false);
  });

  it('a name that is no unit (Wants=../../../../etc/shadow, a .wants/ link without a type) is a note, never a file copy', () => {
    const root = trixieRoot();
    const host = tree({
      [`${U}/initrd.target`]: real(root, 'initrd.target'),
      [`${U}/initrd.target.d/evil.conf`]: '[Unit]\nWants=../../../../etc/shadow\nRequires=/etc/shadow.service\n',
      [`${U}/initrd.target.wants/shadow`]: link('../../../../etc/shadow'),
      [`${U}/basic.target`]: real(root, 'basic.target'),
      'etc/shadow': 'root:$y$secret:19000:0:99999:7:::\n',
      'etc/shadow.service': '[Service]\nExecStart=/bin/sh\n',
    });
    const c = collectUnits(host, ['initrd.target'], [], 'feature t');
    const copied = [...c.files.keys(), ...c.links.keys(), ...[...c.links.values()].map((l) => l.target)];
    expect(copied.filter((p) => p.includes('shadow'))).toEqual([]);
    expect(c.skipped.get('../../../../etc/shadow')).toMatch(/not a valid unit name, nothing copied.*pulled in by initrd.target/);
    expect(c.skipped.get('/etc/shadow.service')).toMatch(/not a valid unit name/);
    expect(c.skipped.get('shadow')).toMatch(/not a valid unit name/);
    expect(c.files.has(`/${U}/basic.target`)).toBe(true);
  });
});
