// Fuzz: the ELF reader (headers, sections, segments, PT_INTERP, the dynamic section), what the
// resolver makes of a program (executable-info + dynamic-process) and a module's .modinfo, on mutated
// real ELF files: this machine's /bin/true and a .ko built by test/support/make-ko.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ElfFile } from '../../../src/elf/elf-file.js';
import { readExecutableInfo } from '../../../src/elf/executable-info.js';
import { resolveBinaries } from '../../../src/elf/library-resolver.js';
import { modinfoFromBytes } from '../../../src/kmod/modinfo-reader.js';
import { makeKo } from '../../support/make-ko.js';
import { makeSysroot, type Sysroot } from '../elf/sysroot-tree.js';
import { type Region, elfRegions, expectTypedSync, focus, mutate, mutationsArb, params, report } from './fuzz-kit.js';

const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const LDSO = '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';

let trueBin: Buffer;
let ko: Buffer;
let sysroot: Sysroot;
let trueRegions: Region[];
let koRegions: Region[];

beforeAll(() => {
  trueBin = readFileSync('/bin/true');
  ko = makeKo({
    modinfo: [
      ['license', 'GPL'],
      ['alias', 'pci:v00001AF4d00001001sv*sd*bc*sc*i*'],
      ['depends', 'virtio,virtio_ring'],
      ['name', 'virtio_blk'],
    ],
    undefinedSymbols: ['virtio_check_driver_offered_feature', 'register_virtio_driver'],
  });
  trueRegions = elfRegions(ElfFile.fromBytes(trueBin, 'true'));
  koRegions = elfRegions(ElfFile.fromBytes(ko, 'x.ko'));
  sysroot = makeSysroot({
    'usr/bin/true': trueBin,
    'lib/x86_64-linux-gnu/libc.so.6': readFileSync(LIBC),
    'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2': readFileSync(LDSO),
    'lib64/ld-linux-x86-64.so.2': { symlink: '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
  });
});
afterAll(() => sysroot.cleanup());

/** Everything the build reads from an ELF file through ElfFile. */
function readAll(bytes: Buffer, name: string): void {
  const elf = ElfFile.fromBytes(bytes, name);
  void elf.sections;
  void elf.segments;
  void elf.interpreter;
  void elf.dynamic;
  elf.sectionData('.modinfo');
  elf.sectionData('.shstrtab');
}

describe('fuzz: ELF reader', () => {
  it('mutated /bin/true through ElfFile: values or BadElfError', () => {
    const runs = 20000;
    const t0 = performance.now();
    fc.assert(
      fc.property(mutationsArb, fc.boolean(), (ms, anywhere) => {
        const bytes = mutate(trueBin, anywhere ? ms : focus(ms, trueRegions));
        expectTypedSync(() => readAll(bytes, 'true'));
      }),
      params(runs),
    );
    report('ElfFile (/bin/true mutated)', runs, t0);
  });

  it('mutated .ko through ElfFile and the .modinfo reader: values or a typed error', () => {
    const runs = 30000;
    const t0 = performance.now();
    fc.assert(
      fc.property(mutationsArb, fc.boolean(), (ms, anywhere) => {
        const bytes = mutate(ko, anywhere ? ms : focus(ms, koRegions));
        expectTypedSync(() => readAll(bytes, 'x.ko'));
        expectTypedSync(() => modinfoFromBytes(bytes, 'x.ko'));
      }),
      params(runs),
    );
    report('ElfFile + modinfo (.ko mutated)', runs, t0);
  });

  it('generated ELF headers (any class, endianness, table offsets and counts): values or BadElfError', () => {
    const runs = 20000;
    const t0 = performance.now();
    const word = fc.constantFrom(0, 1, 52, 64, 0x40, 0xffff, 0x7fffffff, 0xffffffff, 2 ** 53, 2 ** 64 - 1);
    fc.assert(
      fc.property(
        fc.record({
          cls: fc.integer({ min: 0, max: 3 }),
          data: fc.integer({ min: 0, max: 3 }),
          phoff: word,
          shoff: word,
          entsize: fc.integer({ min: 0, max: 0xffff }),
          num: fc.integer({ min: 0, max: 0xffff }),
          strndx: fc.integer({ min: 0, max: 0xffff }),
          size: fc.integer({ min: 16, max: 4096 }),
        }),
        (h) => {
          const b = Buffer.alloc(h.size);
          b.set([0x7f, 0x45, 0x4c, 0x46, h.cls, h.data, 1], 0);
          const le = h.data !== 2;
          const put64 = (v: number, o: number): void => {
            if (o + 8 > b.length) return;
            const big = BigInt.asUintN(64, BigInt(Math.min(v, 2 ** 64 - 1)));
            le ? b.writeBigUInt64LE(big, o) : b.writeBigUInt64BE(big, o);
          };
          const put16 = (v: number, o: number): void => {
            if (o + 2 <= b.length) le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o);
          };
          put64(h.phoff, 0x20);
          put64(h.shoff, 0x28);
          for (const o of [0x36, 0x3a, 0x2a, 0x2e]) put16(h.entsize, o);
          for (const o of [0x38, 0x3c, 0x2c, 0x30]) put16(h.num, o);
          put16(h.strndx, 0x3e);
          expectTypedSync(() => readAll(b, 'gen'));
          expectTypedSync(() => modinfoFromBytes(b, 'gen.ko'));
        },
      ),
      params(runs),
    );
    report('ElfFile (generated headers)', runs, t0);
  });
});

describe('fuzz: program resolution (executable-info, dynamic-process)', () => {
  it('a mutated /usr/bin/true in a sysroot with the real libc: resolved or a typed error', () => {
    const runs = 4000;
    const t0 = performance.now();
    const path = join(sysroot.root, 'usr/bin/true');
    fc.assert(
      fc.property(mutationsArb, fc.boolean(), (ms, anywhere) => {
        writeFileSync(path, mutate(trueBin, anywhere ? ms : focus(ms, trueRegions)));
        expectTypedSync(() => readExecutableInfo(sysroot.host, '/usr/bin/true'));
        expectTypedSync(() => resolveBinaries(sysroot.host, ['/usr/bin/true']));
      }),
      params(runs),
    );
    report('readExecutableInfo+resolveBinaries (/bin/true mutated)', runs, t0);
  });
});
