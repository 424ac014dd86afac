import { describe, expect, it } from 'vitest';
import { dropInNames, expandUnitSpecifiers, isUnitName, parentSlices, parseUnitName, templateOf } from '../../../src/systemd/unit-name.js';

describe('unit names', () => {
  it("accepts systemd's unit names and nothing that could be a path", () => {
    for (const ok of ['a.service', 'systemd-fsck@dev-disk-by\\x2duuid-1.service', 'foo@.service', 'foo@a.b.c.service', '-.slice', 'dev-vda1.device', 'x:y_z.target', `${'a'.repeat(247)}.service`]) {
      expect(isUnitName(ok), ok).toBe(true);
    }
    for (const bad of ['../../../../etc/shadow', '/etc/shadow.service', 'a/b.service', 'shadow', 'a.conf', '.service', '@x.service', 'a@b@c.service', 'a b.service', 'a.service\n', '', `${'a'.repeat(248)}.service`, 'a.Service']) {
      expect(isUnitName(bad), bad).toBe(false);
    }
    expect(parseUnitName('foo@a.b.service')).toEqual({ name: 'foo@a.b.service', prefix: 'foo', instance: 'a.b', type: 'service' });
  });

  it('templates of dotted instances, drop-in folders in precedence order, parent slices', () => {
    expect(templateOf('foo@a.b.service')).toBe('foo@.service');
    expect(templateOf('foo@.service')).toBeUndefined();
    expect(templateOf('foo.service')).toBeUndefined();
    expect(dropInNames('foo-bar-baz.service')).toEqual(['foo-bar-baz.service', 'foo-bar-.service', 'foo-.service', 'service']);
    expect(dropInNames('user@0.service')).toEqual(['user@0.service', 'user@.service', 'service']);
    expect(dropInNames('user-1000.slice')).toEqual(['user-1000.slice', 'user-.slice', 'slice']);
    expect(dropInNames('../x')).toEqual([]);
    expect(parentSlices('a-b-c.slice')).toEqual(['a-b.slice', 'a.slice', '-.slice']);
    expect(parentSlices('-.slice')).toEqual([]);
  });

  it('expands the specifiers known from the unit name, leaves the run-time ones out', () => {
    expect(expandUnitSpecifiers('user-%i.slice', 'user@1000.service')).toBe('user-1000.slice');
    expect(expandUnitSpecifiers('%p-x.socket', 'foo-bar@a.service')).toBe('foo-bar-x.socket');
    expect(expandUnitSpecifiers('%j.target', 'foo-bar@a.service')).toBe('bar.target');
    expect(expandUnitSpecifiers('%N.socket', 'foo@a.service')).toBe('foo@a.socket');
    expect(expandUnitSpecifiers('100%%.target', 'x.service')).toBe('100%.target');
    expect(expandUnitSpecifiers('%i.device', 'systemd-fsck@.service')).toBeUndefined();
    expect(expandUnitSpecifiers('%H.target', 'x.service')).toBeUndefined();
  });
});
