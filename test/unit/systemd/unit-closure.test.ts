import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, NotBootableError } from '../../../src/errors.js';
import { collectUnits } from '../../../src/systemd/unit-closure.js';
import { link, makeSysroot, type Sysroot } from '../elf/sysroot-tree.js';

let sys: Sysroot | undefined;
afterEach(() => sys?.cleanup());
const U = 'usr/lib/systemd/system';

function tree(): Sysroot {
  return (sys = makeSysroot({
    [`${U}/initrd.target`]: '[Unit]\nRequires=basic.target\nWants=initrd-root-fs.target\nOnFailure=emergency.target\nAfter=never-followed.target\n',
    [`${U}/basic.target`]: '[Unit]\nRequires=sysinit.target\n',
    [`${U}/sysinit.target`]: '[Unit]\nDescription=sysinit\n',
    [`${U}/sysinit.target.wants/udevd.service`]: link('../udevd.service'),
    [`${U}/sysinit.target.wants/firstboot.service`]: link('../firstboot.service'),
    [`${U}/sysinit.target.wants/flush.service`]: link('../flush.service'),
    [`${U}/sysinit.target.wants/gone.service`]: link('../gone.service'),
    [`${U}/udevd.service`]: '[Service]\nExecStart=/usr/lib/systemd/udevd\n',
    [`${U}/udevd.socket`]: '[Socket]\nService=udevd.service\n',
    [`${U}/firstboot.service`]: '[Service]\nExecStart=systemd-firstboot --prompt\n',
    [`${U}/flush.service`]: '[Unit]\nConditionPathExists=!/etc/initrd-release\n[Service]\nExecStart=/usr/bin/flush\n',
    [`${U}/initrd-root-fs.target`]: '[Unit]\nWants=journald.socket fsck@root.service\n',
    [`${U}/journald.socket`]: '[Socket]\nListenStream=/run/x\n',
    [`${U}/journald.service`]: '[Service]\nExecStart=/usr/lib/systemd/journald\n',
    [`${U}/journald.service.d/10-extra.conf`]: '[Unit]\nWants=extra.service\n',
    [`${U}/extra.service`]: '[Service]\nExecStart=/usr/bin/missing-tool\nExecStartPost=../../usr/bin/flush\n',
    [`${U}/fsck@.service`]: '[Service]\nExecStart=/usr/lib/systemd/fsck %f\n',
    [`${U}/emergency.target`]: '[Unit]\nWants=emergency.service\n',
    [`${U}/emergency.service`]: link('/dev/null'),
    [`${U}/never-followed.target`]: '[Unit]\n',
    'usr/lib/systemd/udevd': '#!/bin/sh\n',
    'usr/lib/systemd/journald': '#!/bin/sh\n',
    'usr/lib/systemd/fsck': '#!/bin/sh\n',
    'usr/bin/systemd-firstboot': '#!/bin/sh\n',
    'usr/bin/flush': '#!/bin/sh\n',
  }));
}

describe('collectUnits', () => {
  it('follows Requires/Wants/OnFailure, .wants/ dirs, sockets, templates and drop-ins; never After=', () => {
    const { host } = tree();
    const c = collectUnits(host, ['initrd.target'], ['firstboot.service'], 'feature t');
    expect([...c.files.keys()].sort()).toEqual(
      [
        'basic.target', 'emergency.target', 'fsck@.service', 'initrd-root-fs.target', 'initrd.target', 'journald.service',
        'journald.service.d/10-extra.conf', 'journald.socket', 'sysinit.target', 'udevd.service', 'extra.service',
      ].map((n) => `/${U}/${n}`).sort(),
    );
    // the programs of their Exec lines, each with the unit that runs it
    expect([...c.programs.keys()].sort()).toEqual(['/usr/lib/systemd/fsck', '/usr/lib/systemd/journald', '/usr/lib/systemd/udevd']);
    expect(c.programs.get('/usr/lib/systemd/udevd')).toBe('run by systemd unit udevd.service');
    // only the .wants links of units that are in the image
    expect([...c.links.keys()]).toEqual([`/${U}/sysinit.target.wants/udevd.service`]);
    expect(c.skipped.get('firstboot.service')).toMatch(/omitted by feature t/);
    expect(c.skipped.get('flush.service')).toMatch(/never runs in an initrd/);
    expect(c.skipped.get('gone.service')).toMatch(/not in /);
    expect(c.skipped.get('emergency.service')).toMatch(/masked/);
    expect(c.skipped.get('/usr/bin/missing-tool (program)')).toMatch(/run by extra.service/);
    // systemd takes an absolute path or a plain name only
    expect(c.skipped.get('../../usr/bin/flush (program)')).toMatch(/neither an absolute path nor a plain name/);
    expect(c.files.has(`/${U}/never-followed.target`)).toBe(false);
  });

  it('a listed unit the sysroot lacks stops the build unless it is marked optional', () => {
    const { host } = tree();
    expect(() => collectUnits(host, ['nothere.target'], [], 'feature t')).toThrow(NotBootableError);
    expect(collectUnits(host, ['nothere.target?'], [], 'feature t').skipped.get('nothere.target')).toMatch(/not in/);
  });

  it('a feature listing no valid unit name is a config error; a dotted instance finds its template', () => {
    const { host } = tree();
    expect(() => collectUnits(host, ['../etc/passwd'], [], 'feature t')).toThrow(ConfigError);
    const c = collectUnits(host, ['fsck@dev-disk-by\\x2dlabel-root.ext4.service'], [], 'feature t');
    expect(c.files.has(`/${U}/fsck@.service`)).toBe(true);
    expect(c.programs.has('/usr/lib/systemd/fsck')).toBe(true);
  });
});
