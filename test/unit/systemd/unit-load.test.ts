import { afterEach, describe, expect, it } from 'vitest';
import { execPrograms, unitList } from '../../../src/systemd/unit-file.js';
import { loadUnit, unitFolders, UNIT_DIRS, type LoadedUnit } from '../../../src/systemd/unit-load.js';
import { link, makeSysroot, type Sysroot } from '../elf/sysroot-tree.js';

let sys: Sysroot | undefined;
afterEach(() => sys?.cleanup());
const U = 'usr/lib/systemd/system';
const L = 'lib/systemd/system';

describe('loadUnit', () => {
  it("merges drop-ins across unit folders in systemd's order: sorted by name, the first of a name wins, masked ones hide", () => {
    const { host } = (sys = makeSysroot({
      [`${U}/foo-bar@.service`]: '[Unit]\nWants=a.service\n[Service]\nExecStart=/usr/bin/base\n',
      [`${L}/foo-bar@x.service`]: '[Service]\nExecStart=/usr/bin/instance-file\n',
      // 20-x in /usr/lib hides 20-x in /lib; the instance's 30-y hides the template's 30-y
      [`${U}/foo-bar@x.service.d/20-x.conf`]: '[Unit]\nWants=from-usr.service\n',
      [`${L}/foo-bar@x.service.d/20-x.conf`]: '[Unit]\nWants=from-lib-hidden.service\n',
      [`${U}/foo-bar@x.service.d/30-y.conf`]: '[Service]\nExecStart=\nExecStart=/usr/bin/instance-dropin\n',
      [`${U}/foo-bar@.service.d/30-y.conf`]: '[Service]\nExecStart=/usr/bin/template-hidden\n',
      [`${L}/foo-.service.d/10-prefix.conf`]: '[Unit]\nWants=prefix.service\n',
      [`${U}/service.d/40-all.conf`]: '[Unit]\nWants=\nWants=all.service\n',
      [`${U}/service.d/50-masked.conf`]: link('/dev/null'),
      [`${L}/service.d/50-masked.conf`]: '[Unit]\nWants=masked-hidden.service\n',
      [`${U}/service.d/README`]: 'not a .conf\n',
    }));
    const u = loadUnit(host, 'foo-bar@x.service', unitFolders(host, UNIT_DIRS)) as LoadedUnit;
    // the instance's own file wins over the template, though it sits in the later folder
    expect(u.path).toBe(`/${L}/foo-bar@x.service`);
    expect(u.dropIns).toEqual([`/${L}/foo-.service.d/10-prefix.conf`, `/${U}/foo-bar@x.service.d/20-x.conf`, `/${U}/foo-bar@x.service.d/30-y.conf`, `/${U}/service.d/40-all.conf`]);
    expect(unitList(u.unit, 'Unit', 'Wants')).toEqual(['all.service']);
    expect(execPrograms(u.unit).programs).toEqual(['/usr/bin/instance-dropin']);
  });

  it('a merged /usr is read once; a masked unit says so; a missing one is undefined', () => {
    const { host } = (sys = makeSysroot({
      lib: link('usr/lib'),
      [`${U}/a.service`]: '[Service]\nExecStart=/bin/a\n',
      [`${U}/a.service.d/x.conf`]: '[Service]\nExecStartPre=/bin/pre\n',
      [`${U}/m.service`]: link('/dev/null'),
    }));
    expect(unitFolders(host, UNIT_DIRS)).toEqual([`/${U}`]);
    const a = loadUnit(host, 'a.service') as LoadedUnit;
    expect(a.dropIns).toEqual([`/${U}/a.service.d/x.conf`]);
    expect(execPrograms(a.unit).programs).toEqual(['/bin/pre', '/bin/a']);
    expect(loadUnit(host, 'm.service')).toEqual({ masked: `/${U}/m.service` });
    expect(loadUnit(host, 'none.service')).toBeUndefined();
  });
});
