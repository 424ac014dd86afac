import { describe, expect, it } from 'vitest';
import { findKeyLine } from '../../../src/config/key-location.js';

describe('findKeyLine', () => {
  const text = ['# comment: compress = "no"', '', 'hostonly = true', '  "add_drivers" = ["a"]', "'omit'=[]", 'kernel.x = 1', '[extra]', 'compress = "zstd"'].join('\n');

  it('finds bare, quoted and dotted keys with their 1-based line', () => {
    expect(findKeyLine(text, 'hostonly')).toBe(3);
    expect(findKeyLine(text, 'add_drivers')).toBe(4);
    expect(findKeyLine(text, 'omit')).toBe(5);
    expect(findKeyLine(text, 'kernel')).toBe(6);
  });

  it('finds a table header, and ignores comments and keys inside tables', () => {
    expect(findKeyLine(text, 'extra')).toBe(7);
    expect(findKeyLine(text, 'compress')).toBeUndefined();
  });

  it('does not match a key that only starts with the name', () => {
    expect(findKeyLine('hostonly_x = 1\nhostonly = 2\n', 'hostonly')).toBe(2);
    expect(findKeyLine('add_drivers = []\n', 'add')).toBeUndefined();
  });

  it('handles CRLF line ends', () => {
    expect(findKeyLine('a = 1\r\nb = 2\r\n', 'b')).toBe(2);
  });
});
