// kmod's binary index files (modules.alias.bin, modules.symbols.bin), which depmod writes beside the
// text files and which kmod itself reads: a trie whose keys are alias patterns. A lookup reads only
// the nodes on its key's path plus the subtrees that begin with a wildcard, so a host-only build's
// few dozen modalias lookups need not parse the 26k lines of modules.alias.
//
// Layout (all integers 32-bit big-endian): magic, version (major in the high half), root offset.
// A node offset carries flags in its high nibble: the node has a NUL-terminated prefix, a child
// table (first char, last char, one offset per char in between; 0 = no child) and/or values
// (count, then per value a priority and a NUL-terminated string), in that order.
import { ModulesDbError } from '../errors.js';
import { _firstWildcard, rankModules } from './alias-index.js';
import type { AliasLookup } from './alias-table.js';
import { compileGlob, type Glob } from './fnmatch.js';

const MAGIC = 0xb007f457;
const VERSION_MAJOR = 2;
const HAS_PREFIX = 0x80000000;
const HAS_VALUES = 0x40000000;
const HAS_CHILDREN = 0x20000000;
const OFFSET_MASK = 0x0fffffff;

interface _Node {
  /** Its offset with flags: the node's identity. */
  ref: number;
  prefix: string;
  first: number;
  last: number;
  /** File offset of the child table (one u32 per char from first to last). */
  children: number;
  values: ReadonlyArray<{ value: string; priority: number }>;
}

interface _Pattern {
  glob: Glob;
  values: _Node['values'];
}

export class BinaryIndex implements AliasLookup {
  private readonly _nodes = new Map<number, _Node>();
  /** Flattened wildcard subtrees, by node and the pattern leading to it. */
  private readonly _flat = new Map<string, _Pattern[]>();

  private constructor(
    private readonly _bytes: Buffer,
    private readonly _file: string,
    private readonly _root: number,
  ) {}

  /** The index in `bytes`, or undefined when they are not a kmod index of a version we read. */
  static open(bytes: Buffer, file: string): BinaryIndex | undefined {
    if (bytes.length < 12 || bytes.readUInt32BE(0) !== MAGIC || bytes.readUInt32BE(4) >>> 16 !== VERSION_MAJOR) return undefined;
    return new BinaryIndex(bytes, file, bytes.readUInt32BE(8));
  }

  lookup(key: string, priority: (module: string) => number): string[] {
    return rankModules(this.search(key), priority);
  }

  /** Every value whose pattern matches `key`, as kmod's wildcard search finds them; seq is the value's priority. */
  search(key: string): Array<{ module: string; seq: number }> {
    const out: Array<{ module: string; seq: number }> = [];
    let node = this._node(this._root);
    let i = 0;
    while (node !== undefined) {
      const prefix = node.prefix;
      // a pattern whose literal part ends inside this prefix: match its rest against the key's rest
      const cut = _firstWildcard(prefix);
      const literal = cut < 0 ? prefix : prefix.slice(0, cut);
      if (!key.startsWith(literal, i)) return out;
      if (cut >= 0) {
        this._allMatching(node, prefix.slice(cut), key.slice(i + cut), out);
        return out;
      }
      i += prefix.length;
      for (const wild of WILDCARDS) {
        const child = this._child(node, wild);
        if (child !== undefined) this._allMatching(child, String.fromCharCode(wild) + child.prefix, key.slice(i), out);
      }
      if (i === key.length) {
        for (const v of node.values) out.push({ module: v.value, seq: v.priority });
        return out;
      }
      node = this._child(node, key.charCodeAt(i));
      i++;
    }
    return out;
  }

  // Values of every pattern in the subtree of `node` (whose pattern so far is `pattern`) that matches
  // `rest`. A subtree is flattened once: every key of a bus passes through the same few ("acpi*").
  private _allMatching(node: _Node, pattern: string, rest: string, out: Array<{ module: string; seq: number }>): void {
    const key = `${node.ref}\0${pattern}`;
    let patterns = this._flat.get(key);
    if (patterns === undefined) {
      patterns = [];
      this._flatten(node, pattern, patterns);
      this._flat.set(key, patterns);
    }
    for (const p of patterns) if (p.glob.matches(rest)) for (const v of p.values) out.push({ module: v.value, seq: v.priority });
  }

  // Children first, then the node's own values, as depmod's trie is walked. Iterative, and each node
  // at most once: a corrupt index whose child offsets loop back or share nodes would otherwise recurse
  // until the stack overflows or grow exponentially.
  private _flatten(root: _Node, pattern: string, into: _Pattern[]): void {
    const seen = new Set<number>([root.ref & OFFSET_MASK]);
    const stack: Array<{ node: _Node; pattern: string; c: number }> = [{ node: root, pattern, c: root.first }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: _Node; pattern: string; c: number };
      if (top.c > top.node.last) {
        stack.pop();
        if (top.node.values.length > 0) into.push({ glob: compileGlob(top.pattern), values: top.node.values });
        continue;
      }
      const c = top.c++;
      const child = this._child(top.node, c);
      if (child === undefined) continue;
      const offset = child.ref & OFFSET_MASK;
      if (seen.has(offset)) this._corrupt(offset);
      seen.add(offset);
      stack.push({ node: child, pattern: top.pattern + String.fromCharCode(c) + child.prefix, c: child.first });
    }
  }

  private _child(node: _Node, c: number): _Node | undefined {
    if (c < node.first || c > node.last) return undefined;
    return this._node(this._u32(node.children + 4 * (c - node.first)));
  }

  private _node(ref: number): _Node | undefined {
    const offset = ref & OFFSET_MASK;
    if (offset === 0) return undefined;
    const cached = this._nodes.get(ref);
    if (cached !== undefined) return cached;
    let pos = offset;
    let prefix = '';
    if (ref & HAS_PREFIX) [prefix, pos] = this._string(pos);
    let first = 1;
    let last = 0;
    let children = 0;
    if (ref & HAS_CHILDREN) {
      first = this._byte(pos);
      last = this._byte(pos + 1);
      if (first > last) this._corrupt(pos);
      children = pos + 2;
      pos = children + 4 * (last - first + 1);
    }
    const values: Array<{ value: string; priority: number }> = [];
    if (ref & HAS_VALUES) {
      const count = this._u32(pos);
      pos += 4;
      for (let n = 0; n < count; n++) {
        const priority = this._u32(pos);
        let value: string;
        [value, pos] = this._string(pos + 4);
        values.push({ value, priority });
      }
    }
    const node = { ref, prefix, first, last, children, values };
    this._nodes.set(ref, node);
    return node;
  }

  private _string(pos: number): [string, number] {
    const end = this._bytes.indexOf(0, pos);
    if (end < 0) this._corrupt(pos);
    return [this._bytes.toString('latin1', pos, end), end + 1];
  }

  private _u32(pos: number): number {
    if (pos + 4 > this._bytes.length) this._corrupt(pos);
    return this._bytes.readUInt32BE(pos);
  }

  private _byte(pos: number): number {
    if (pos >= this._bytes.length) this._corrupt(pos);
    return this._bytes[pos] as number;
  }

  private _corrupt(pos: number): never {
    throw new ModulesDbError(`${this._file}: corrupt index (offset ${pos} is out of place); rerun depmod to rewrite it`, this._file);
  }
}

const WILDCARDS = [42, 63, 91]; // * ? [
