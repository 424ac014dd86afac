import { describe, expect, it } from 'vitest';
import { execPrograms, parseUnitFile, skipsInitrd, unitList } from '../../../src/systemd/unit-file.js';

describe('parseUnitFile', () => {
  it('reads sections, lists, continuations and comments; an empty assignment resets a list', () => {
    const u = parseUnitFile(`# comment
[Unit]
Description=Test
Wants=a.service \\
  b.service
; another comment
Requires=x.target
Requires=
Requires=y.target z.target
OnFailure=emergency.target

[Service]
ExecStart=-/usr/bin/tool --flag
ExecStartPre=@/usr/lib/x/helper argv0
ExecStop=!!systemctl stop %i
ExecStopPost=%h/bin/thing
ExecReload=+:"/usr/bin/quoted" arg
`);
    expect(unitList(u, 'Unit', 'Wants')).toEqual(['a.service', 'b.service']);
    expect(unitList(u, 'Unit', 'Requires')).toEqual(['y.target', 'z.target']);
    expect(unitList(u, 'Unit', 'OnFailure')).toEqual(['emergency.target']);
    // the first word of each command after the prefixes; specifiers only known at run time are left out
    expect(execPrograms(u).programs.sort()).toEqual(['/usr/bin/quoted', '/usr/bin/tool', '/usr/lib/x/helper', 'systemctl']);
  });

  it('knows the units that never run in an initrd', () => {
    expect(skipsInitrd(parseUnitFile('[Unit]\nConditionPathExists=!/etc/initrd-release\n'))).toBe(true);
    expect(skipsInitrd(parseUnitFile('[Unit]\nAssertPathExists=/etc/initrd-release\n'))).toBe(false);
    expect(skipsInitrd(parseUnitFile('[Unit]\nConditionPathExists=!/run/other\n'))).toBe(false);
  });

  it('Exec lines: quoted paths, every prefix, %%, several commands split by a lone ";", continuations and comments', () => {
    const u = parseUnitFile(`[Service]
ExecStart="/usr/lib/with space/tool" "arg one"
ExecStartPre=-@:+!"/usr/bin/q" x
ExecStartPre=!!/usr/bin/twice
ExecStartPost=/usr/bin/a x ; /usr/bin/b y \\; not-a-program ; -/usr/bin/c
ExecStopPost=/usr/lib/100%%/d
ExecStop=%h/bin/home-tool
ExecReload=/usr/bin/first \\
# a comment inside the continuation
  --flag ; /usr/bin/after-continuation
ExecCondition=/usr/bin/e \\
`);
    const { programs, runtime } = execPrograms(u);
    expect(programs.sort()).toEqual(['/usr/bin/a', '/usr/bin/after-continuation', '/usr/bin/b', '/usr/bin/c', '/usr/bin/e', '/usr/bin/first', '/usr/bin/q', '/usr/bin/twice', '/usr/lib/100%/d', '/usr/lib/with space/tool']);
    expect(runtime).toEqual(['%h/bin/home-tool']);
  });

  it('a drop-in merges onto the unit: lists grow, an empty assignment resets, new sections come in', () => {
    const main = parseUnitFile('[Unit]\nWants=a.service\n[Service]\nExecStart=/usr/bin/old\n');
    const merged = parseUnitFile('[Unit]\nWants=b.service\nConditionPathExists=!/etc/initrd-release\n[Service]\nExecStart=\nExecStart=/usr/bin/new\n[Install]\nWantedBy=x.target\n', main);
    expect(unitList(merged, 'Unit', 'Wants')).toEqual(['a.service', 'b.service']);
    expect(execPrograms(merged).programs).toEqual(['/usr/bin/new']);
    expect(skipsInitrd(merged)).toBe(true);
    expect(unitList(merged, 'Install', 'WantedBy')).toEqual(['x.target']);
    // the unit read first is left as it was
    expect(execPrograms(main).programs).toEqual(['/usr/bin/old']);
    expect(skipsInitrd(main)).toBe(false);
  });
});
