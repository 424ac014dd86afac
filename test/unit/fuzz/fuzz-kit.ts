// Shared by the fuzz tests: the fixed seed, byte-level mutations of a valid input, and the property
// every target must keep — return normally or throw a typed MkError, within a time bound.
import fc from 'fast-check';
import { expect } from 'vitest';
import { MkError } from '../../../src/errors.js';

export const SEED = 20261205;

/** Milliseconds one case may take before it counts as a hang. */
export const CASE_LIMIT_MS = 2000;

/** Values that break size and offset arithmetic, as 32-bit words. */
const HUGE32 = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0x10000, 0];

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; from: number; to: number; len: number }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'huge32'; at: number; value: number; le: boolean }
  | { kind: 'hex8'; at: number; text: string };

const pos = fc.nat({ max: 1 << 24 });
const len = fc.integer({ min: 1, max: 512 });

/** One mutation; positions are taken modulo the input's length when applied. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: pos, value: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: pos }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('splice' as const), from: pos, to: pos, len }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: pos, len }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pos, len }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('huge32' as const), at: pos, value: fc.constantFrom(...HUGE32), le: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hex8' as const),
      at: pos,
      text: fc.constantFrom('FFFFFFFF', '7FFFFFFF', '80000000', 'FFFFFFFE', '00000000', '0000000G', '-0000001', '       1'),
    }),
  },
);

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 6 });

/** `input` with the mutations applied in order (never modifies `input`). */
export function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = (n: number): number => n % b.length;
    switch (m.kind) {
      case 'flip': {
        const i = at(m.at);
        b[i] = (b[i] as number) ^ (1 << m.bit);
        break;
      }
      case 'byte':
        b[at(m.at)] = m.value;
        break;
      case 'truncate':
        b = b.subarray(0, at(m.at));
        break;
      case 'splice': {
        const from = at(m.from);
        const chunk = Buffer.from(b.subarray(from, from + m.len));
        chunk.copy(b, at(m.to));
        break;
      }
      case 'duplicate': {
        const i = at(m.at);
        const chunk = b.subarray(i, i + m.len);
        b = Buffer.concat([b.subarray(0, i + chunk.length), chunk, b.subarray(i + chunk.length)]);
        break;
      }
      case 'delete': {
        const i = at(m.at);
        b = Buffer.concat([b.subarray(0, i), b.subarray(i + m.len)]);
        break;
      }
      case 'huge32': {
        const i = at(m.at) & ~3;
        if (i + 4 <= b.length) (m.le ? b.writeUInt32LE(m.value, i) : b.writeUInt32BE(m.value, i));
        break;
      }
      case 'hex8': {
        const i = at(m.at);
        b.write(m.text, i, 'latin1');
        break;
      }
    }
  }
  return b;
}

/** True when `err` is one of the typed errors (anything else is a crash). */
export function isTyped(err: unknown): boolean {
  return err instanceof MkError;
}

/** Runs `fn`; passes when it returns or throws a typed error, in time. Returns what it threw. */
export function expectTypedSync(fn: () => unknown): unknown {
  const t0 = performance.now();
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  const took = performance.now() - t0;
  if (thrown !== undefined && !isTyped(thrown)) throw thrown;
  expect(took, 'one case took too long (a hang?)').toBeLessThan(CASE_LIMIT_MS);
  return thrown;
}

/** The async form: a case that does not settle within CASE_LIMIT_MS fails as a hang. */
export async function expectTypedAsync(fn: () => Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`one case did not finish within ${CASE_LIMIT_MS} ms (a hang?)`)), CASE_LIMIT_MS);
  });
  try {
    await Promise.race([fn(), hang]);
    return undefined;
  } catch (err) {
    if (!isTyped(err)) throw err;
    return err;
  } finally {
    clearTimeout(timer);
  }
}

/** fast-check parameters for one target: the fixed seed and a run count. */
export function params(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: true };
}

/** Logs executions and wall time for the report (vitest shows it with --reporter=verbose). */
export function report(target: string, runs: number, t0: number): void {
  const ms = performance.now() - t0;
  console.log(`[fuzz] ${target}: ${runs} executions in ${(ms / 1000).toFixed(2)} s`);
}

export interface Region {
  start: number;
  length: number;
}

/**
 * The mutations with their positions moved into the given regions (each mutation into the region
 * picked by its own position), so that a large file's headers get most of the hits.
 */
export function focus(mutations: readonly Mutation[], regions: readonly Region[]): Mutation[] {
  const live = regions.filter((r) => r.length > 0);
  if (live.length === 0) return [...mutations];
  const into = (n: number): number => {
    const r = live[n % live.length] as Region;
    return r.start + (Math.floor(n / live.length) % r.length);
  };
  return mutations.map((m) => {
    if (m.kind === 'splice') return { ...m, from: into(m.from), to: into(m.to) };
    return { ...m, at: into(m.at) };
  });
}

/** Where an ELF file's headers and tables lie (for focus()); read with the real reader. */
export function elfRegions(elf: {
  header: { phoff: number; phnum: number; phentsize: number; shoff: number; shnum: number; shentsize: number };
  segments: ReadonlyArray<{ type: number; offset: number; filesz: number }>;
}): Region[] {
  const h = elf.header;
  const out: Region[] = [
    { start: 0, length: 64 },
    { start: h.phoff, length: h.phnum * h.phentsize },
    { start: h.shoff, length: h.shnum * h.shentsize },
  ];
  for (const s of elf.segments) if (s.type === 2 || s.type === 3) out.push({ start: s.offset, length: s.filesz });
  return out;
}
