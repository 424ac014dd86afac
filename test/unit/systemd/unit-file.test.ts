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
    expect(execPrograms(u).sort()).toEqual(['/usr/bin/quoted', '/usr/bin/tool', '/usr/lib/x/helper', 'systemctl']);
  });

  it('knows the units that never run in an initrd', () => {
    expect(skipsInitrd(parseUnitFile('[Unit]\nConditionPathExists=!/etc/initrd-release\n'))).toBe(true);
    expect(skipsInitrd(parseUnitFile('[Unit]\nAssertPathExists=/etc/initrd-release\n'))).toBe(false);
    expect(skipsInitrd(parseUnitFile('[Unit]\nConditionPathExists=!/run/other\n'))).toBe(false);
  });
});
