// .note.dlopen from a hostile or corrupt file: the note walk ends (sizes are 32-bit unsigned and must not
// wrap), a truncated note is dropped, and a good note after a good one is still read.
import { describe, expect, it } from 'vitest';
import { NOTE_DLOPEN_TYPE, readDlopenNotes } from '../../../src/elf/dlopen-notes.js';
import type { ElfFile } from '../../../src/elf/elf-file.js';

/** Just what readDlopenNotes reads of an ElfFile: one SHT_NOTE section holding `data`. */
function elfWithNotes(data: Buffer): ElfFile {
  return {
    file: '/usr/lib/x86_64-linux-gnu/libhostile.so',
    header: { littleEndian: true },
    sections: [{ name: '.note.dlopen', type: 7 }],
    sectionData: () => data,
  } as unknown as ElfFile;
}

function note(namesz: number, descsz: number, type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(namesz, 0);
  head.writeUInt32LE(descsz, 4);
  head.writeUInt32LE(type, 8);
  return Buffer.concat([head, body]);
}

function dlopenNote(json: string): Buffer {
  const name = Buffer.from('FDO\0');
  const desc = Buffer.from(`${json}\0`);
  const pad = Buffer.alloc((4 - (desc.length % 4)) % 4);
  return note(name.length, desc.length, NOTE_DLOPEN_TYPE, Buffer.concat([name, desc, pad]));
}

const GOOD = '[{"feature":"kmod","priority":"recommended","soname":["libkmod.so.2"]}]';

describe('readDlopenNotes on hostile notes', () => {
  it('reads a good note', () => {
    expect(readDlopenNotes(elfWithNotes(dlopenNote(GOOD))).map((d) => d.sonames)).toEqual([['libkmod.so.2']]);
  });

  it.each([
    ['a name size that wraps to stay in place', 0xfffffff4, 0],
    ['a name size that wraps backwards', 0xffffffe0, 0],
    ['a huge description size', 4, 0xfffffffc],
    ['both sizes at the top', 0xffffffff, 0xffffffff],
  ])('ends on %s, keeping the good note before it', (_what, namesz, descsz) => {
    const data = Buffer.concat([dlopenNote(GOOD), note(namesz, descsz, NOTE_DLOPEN_TYPE, Buffer.alloc(64))]);
    expect(readDlopenNotes(elfWithNotes(data)).map((d) => d.feature)).toEqual(['kmod']);
  }, 2000);
});
