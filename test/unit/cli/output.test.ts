import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutput, formatDuration, formatSize, type OutputStream } from '../../../src/cli/output.js';
import { UsageError } from '../../../src/errors.js';

function sink(isTTY: boolean): OutputStream & { text: () => string } {
  let buf = '';
  return { isTTY, write: (s: string) => (buf += s), text: () => buf };
}

afterEach(() => vi.useRealTimers());

describe('output', () => {
  it('colour only on a terminal, never with NO_COLOR or TERM=dumb', () => {
    const color = (stream: OutputStream, env: NodeJS.ProcessEnv) => createOutput({ stream, env }).color;
    expect(color(sink(true), {})).toBe(true);
    expect(color(sink(false), {})).toBe(false);
    expect(color(sink(true), { NO_COLOR: '1' })).toBe(false);
    expect(color(sink(true), { NO_COLOR: '' })).toBe(true);
    expect(color(sink(true), { TERM: 'dumb' })).toBe(false);
  });

  it('-v and -q together are a usage error', () => {
    expect(() => createOutput({ stream: sink(false), verbose: true, quiet: true })).toThrow(UsageError);
    expect(createOutput({ stream: sink(false) }).verbosity).toBe('normal');
  });

  it('not a terminal: plain lines, no escapes; phases only with -v', () => {
    const s = sink(false);
    const out = createOutput({ stream: s, env: {} });
    out.phase('plan').done('12 entries');
    out.info('wrote x');
    out.warn('careful');
    out.detail('hidden');
    expect(s.text()).toBe('mkinitramfs-ts: wrote x\nmkinitramfs-ts: warning: careful\n');

    const v = sink(false);
    const verbose = createOutput({ stream: v, verbose: true, env: {} });
    verbose.phase('compress').done('zstd');
    expect(v.text()).toMatch(/^mkinitramfs-ts: \[3\/4\] compress: \d+ ms \(zstd\)\n$/);
  });

  it('-q keeps warnings and errors only', () => {
    const s = sink(true);
    const out = createOutput({ stream: s, quiet: true, env: { NO_COLOR: '1' } });
    out.info('no');
    out.phase('pack').done();
    out.error('bad');
    out.warn('hmm');
    expect(s.text()).toBe('mkinitramfs-ts: error: bad\nmkinitramfs-ts: warning: hmm\n');
  });

  it('a terminal gets one status line rewritten in place, erased when the phase ends', () => {
    vi.useFakeTimers();
    const s = sink(true);
    const out = createOutput({ stream: s, env: {} });
    const p = out.phase('write');
    vi.advanceTimersByTime(2100);
    p.done();
    out.warn('w');
    expect(s.text()).toContain('\r\x1b[Kmkinitramfs-ts: [4/4] write…');
    expect(s.text()).toContain('write… 2 s');
    expect(s.text().endsWith('\r\x1b[Kmkinitramfs-ts: \x1b[33mwarning:\x1b[0m w\n')).toBe(true);
  });

  it('formats sizes and durations', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(12.34 * 1048576)).toBe('12.3 MiB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4210)).toBe('4.2 s');
  });
});
