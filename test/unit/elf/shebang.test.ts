import { describe, expect, it } from 'vitest';
import { envProgram, parseShebang } from '../../../src/elf/shebang.js';

const head = (s: string): Buffer => Buffer.from(s);

describe('parseShebang', () => {
  it('splits interpreter and one argument like binfmt_script', () => {
    expect(parseShebang(head('#!/bin/sh\necho'))).toEqual({ interpreter: '/bin/sh' });
    expect(parseShebang(head('#! \t/bin/sh -e -x  \r\nrest'))).toEqual({ interpreter: '/bin/sh', arg: '-e -x' });
    expect(parseShebang(head('#!/usr/bin/env'))).toEqual({ interpreter: '/usr/bin/env' });
  });
  it('returns undefined for no interpreter or no #!', () => {
    expect(parseShebang(head('#!   \n'))).toBeUndefined();
    expect(parseShebang(head('# comment'))).toBeUndefined();
  });
  it('only reads the first 256 bytes', () => {
    expect(parseShebang(head(`#!/bin/${'x'.repeat(300)}`))?.interpreter).toHaveLength(254);
  });
});

describe('envProgram', () => {
  it('finds the program env runs', () => {
    expect(envProgram('bash')).toBe('bash');
    expect(envProgram('-S bash -e')).toBe('bash');
    expect(envProgram('-S -i FOO=1 python3 -u')).toBe('python3');
    expect(envProgram('-Sbash')).toBe('bash');
    expect(envProgram('-i')).toBeUndefined();
    expect(envProgram('FOO=1')).toBeUndefined();
    expect(envProgram(undefined)).toBeUndefined();
  });
});
