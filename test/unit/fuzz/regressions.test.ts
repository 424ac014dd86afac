// The crashes the fuzz tests found, each reduced by hand to its smallest input, kept so they stay fixed.
import { describe, expect, it } from 'vitest';
import { ModulesDbError } from '../../../src/errors.js';
import { BinaryIndex } from '../../../src/kmod/binary-index.js';

const HAS_VALUES = 0x40000000;
const HAS_CHILDREN = 0x20000000;

/** A kmod index (magic, version 2.1, root ref) followed by `body`, which starts at offset 12. */
function index(root: number, body: number[]): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(0xb007f457, 0);
  head.writeUInt32BE(0x00020001, 4);
  head.writeUInt32BE(root >>> 0, 8);
  return Buffer.concat([head, Buffer.from(body)]);
}
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

describe('modules.alias.bin found by kmod.fuzz.test.ts', () => {
  it('a node whose "*" child is itself is a ModulesDbError, not a stack overflow (RangeError before)', () => {
    // node at 12: children from '*' to '*', the one child = the node itself
    const bytes = index(HAS_CHILDREN | 12, [42, 42, ...u32(HAS_CHILDREN | 12)]);
    const idx = BinaryIndex.open(bytes, '/lib/modules/K/modules.alias.bin');
    expect(() => idx?.lookup('pci:v1', () => 0)).toThrow(ModulesDbError);
    expect(() => idx?.lookup('pci:v1', () => 0)).toThrow(/modules.alias.bin: corrupt index .*rerun depmod/);
  });

  it('child offsets that share nodes (2^depth paths) are a ModulesDbError, not an exponential walk', () => {
    // node k: children '*' and '+' both → node k+1; the last node holds one value. Before the fix a
    // lookup flattened 2^16 copies of the same pattern (at depth 40 it never ends).
    const depth = 16;
    const nodeSize = 2 + 8;
    const body: number[] = [];
    for (let k = 0; k < depth; k++) {
      const next = 12 + (k + 1) * nodeSize;
      const ref = k + 1 < depth ? HAS_CHILDREN | next : HAS_VALUES | next;
      body.push(42, 43, ...u32(ref), ...u32(ref));
    }
    body.push(...u32(1), ...u32(0), ...Buffer.from('m\0'));
    const idx = BinaryIndex.open(index(HAS_CHILDREN | 12, body), 'modules.alias.bin');
    expect(() => idx?.search('x')).toThrow(ModulesDbError);
  });
});
