// What a refused write tells the user: "run as root" only to whom it would help.
import { describe, expect, it } from 'vitest';
import { writeRefusedHint } from '../../src/errors.js';

describe('writeRefusedHint', () => {
  it('tells a user who is not root to run as root', () => {
    expect(writeRefusedHint('EACCES', false)).toBe('EACCES: run as root or choose another output path');
  });
  it('does not tell root to run as root, and names what refuses root', () => {
    const hint = writeRefusedHint('EPERM', true);
    expect(hint).not.toMatch(/run as root/);
    expect(hint).toMatch(/^refused even to root \(EPERM: an immutable attribute/);
  });
  it('a read-only file system is named as one, for anyone', () => {
    for (const root of [true, false]) expect(writeRefusedHint('EROFS', root)).toMatch(/^a read-only file system: remount it read-write/);
  });
});
