// Property-based fuzzing of /init's command-line parser (read_cmdline, argval, getargs,
// getargbool, seconds_of/root_timeout) under busybox ash and dash, against a small TypeScript model
// of what each must answer. Values are built from the characters an attacker would use ($(...),
// backticks, ;, |, &, globs, quotes, backslashes); a canary file that any evaluation of them would
// create must never appear. Fixed seed: the same cases on every run. Each property run is one batch of
// command lines handled by one shell, so a few thousand cases fit in the time budget.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRoot, type Shell } from '../init-shell/fake-root.js';

const SEED = 20261205;
const BATCHES = 12;
const PER_BATCH = 25;
const KEYS = ['root', 'rd.timeout', 'rootdelay', 'rd.retry', 'rd.driver.pre', 'rd.debug', 'ro', 'k.x', 'k'];
const CANARY = '/tmp/canary';
const US = '\x1f'; // field separator of the shell's answers: never generated

// ---- the model ----
const words = (cmdline: string): string[] => cmdline.split(' ').filter((w) => w !== '');
function argval(ws: string[], key: string): string | undefined {
  let v: string | undefined;
  for (const w of ws) {
    if (w === key) v = '1';
    else if (w.startsWith(`${key}=`)) v = w.slice(key.length + 1);
  }
  return v;
}
function getargs(ws: string[], key: string): string | undefined {
  let out = '';
  for (const w of ws) if (w.startsWith(`${key}=`)) for (const p of w.slice(key.length + 1).split(',')) out += ` ${p}`;
  return out === '' ? undefined : out;
}
const getargbool = (ws: string[], key: string): boolean => {
  const v = argval(ws, key);
  return v !== undefined && !['0', 'no', 'off', 'false'].includes(v);
};
function seconds(v: string): number | undefined {
  if (!/^[0-9]+$/.test(v)) return undefined;
  const s = v.replace(/^0+(?=.)/, '');
  return s.length <= 9 && Number(s) <= 86400 ? Number(s) : undefined;
}
function rootTimeout(ws: string[]): { t: number; m: number; warnings: number } {
  let warnings = 0;
  for (const k of ['rd.timeout', 'rootdelay', 'rd.retry']) {
    const v = argval(ws, k);
    if (v === undefined) continue;
    const s = seconds(v);
    if (s !== undefined) return { t: s, m: s > 0 ? Math.floor((s + 1) / 2) : 30, warnings };
    warnings++;
  }
  return { t: 60, m: 30, warnings };
}
/** What the shell script below prints for one command line. */
function model(cmdline: string): string {
  const ws = words(cmdline);
  const lines = KEYS.map((k) => {
    const a = argval(ws, k);
    const g = getargs(ws, k);
    return [a === undefined ? 'A-' : `A+${a}`, g === undefined ? 'G-' : `G+${g}`, getargbool(ws, k) ? 'B1' : 'B0'].join(US);
  });
  const rt = rootTimeout(ws);
  lines.push(`T${rt.t}${US}${rt.m}${US}${rt.warnings}`);
  return lines.join('\n');
}

// ---- the generator ----
const PIECES = ['$(touch${IFS}/tmp/canary)', '`touch${IFS}/tmp/canary`', ';touch${IFS}/tmp/canary', '|touch${IFS}/tmp/canary', '&&touch${IFS}/tmp/canary', '>/tmp/canary', '*', '/tmp/*', '?', '[a-z]*', "'", '\\', '\\n', '${IFS}', '$HOME', '%s', '-r', '--', '=', ',', '0', '00', '08', '9', '86400', '86401', '0x10', 'no', 'off', 'false', 'UUID=ab', 'x'];
const value = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.stringMatching(/^[a-z0-9.,=:_-]{0,6}$/)), { maxLength: 4 }).map((a) => a.join(''));
const word = fc.oneof(
  fc.tuple(fc.constantFrom(...KEYS), value).map(([k, v]) => `${k}=${v}`),
  // numbers for the timeout parser: leading zeros, bounds, too many digits
  fc.tuple(fc.constantFrom('rd.timeout', 'rootdelay', 'rd.retry'), fc.stringMatching(/^0{0,3}[0-9]{0,6}$/)).map(([k, v]) => `${k}=${v}`),
  fc.constantFrom(...KEYS),
  value.filter((v) => v !== ''),
);
const cmdline = fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' '));

// ---- the shell side ----
const SCRIPT = [
  'i=0',
  'while [ -r "/cases/$i" ]; do',
  '  { IFS= read -r l; } <"/cases/$i"',
  "  printf '%s\\n' \"$l\" >/proc/cmdline",
  '  read_cmdline',
  ...KEYS.map((k) => `  if argval ${k}; then printf 'A+%s\\037' "$ARGVAL"; else printf 'A-\\037'; fi; if _g=$(getargs ${k}); then printf 'G+%s\\037' "$_g"; else printf 'G-\\037'; fi; if getargbool 0 ${k}; then echo B1; else echo B0; fi`),
  '  ROOT_TIMEOUT_S=; _w=$(root_timeout 2>&1; echo "$ROOT_TIMEOUT_S $MEMBER_WAIT_S")',
  "  _n=0; while :; do case \"$_w\" in *warning:*) _n=$((_n + 1)); _w=${_w#*warning:} ;; *) break ;; esac; done",
  "  set -- $_w; while [ $# -gt 2 ]; do shift; done; printf 'T%s\\037%s\\037%s\\n' \"$1\" \"$2\" \"$_n\"",
  "  printf '@@END\\n'",
  '  i=$((i + 1))',
  'done',
].join('\n');

const stats: string[] = [];
afterAll(() => console.log(stats.join('\n')));

describe.each<Shell>(['busybox', 'dash'])('the /init command-line parser under %s', (shell) => {
  let fr: FakeRoot;
  beforeAll(() => {
    fr = FakeRoot.create({ shell });
  });
  afterAll(() => fr.cleanup());

  /** Every case of the batch through one shell; the answers, one block per command line. */
  const run = (batch: string[]): string[] => {
    batch.forEach((c, i) => fr.file(`/cases/${i}`, `${c}\n`));
    const r = fr.sh(SCRIPT);
    for (let i = 0; i < batch.length; i++) fr.file(`/cases/${i}`, '').dir('/cases'); // overwritten next batch
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return r.stdout.split('@@END\n').slice(0, -1).map((b) => b.replace(/\n$/, ''));
  };

  it('answers as the model does and runs nothing', () => {
    const t0 = Date.now();
    let cases = 0;
    fc.assert(
      fc.property(fc.array(cmdline, { minLength: PER_BATCH, maxLength: PER_BATCH }), (batch) => {
        const got = run(batch);
        cases += batch.length;
        expect(fr.exists(CANARY)).toBe(false);
        expect(got.length).toBe(batch.length);
        batch.forEach((c, i) => expect(got[i], `command line: ${JSON.stringify(c)}`).toBe(model(c)));
      }),
      { seed: SEED, numRuns: BATCHES, endOnFailure: true },
    );
    stats.push(`[fuzz init-cmdline ${shell}] ${cases} command lines (${BATCHES} shell runs), ${Date.now() - t0} ms`);
    expect(cases).toBe(BATCHES * PER_BATCH);
  });

  // found by this fuzzer or by hand, kept: the model and the shell must agree on each
  it.each(['rd.timeout=08', 'rd.timeout=0 rd.retry=5', 'rootdelay=099999 rd.retry=7', 'k=,, k=a,', 'k= k', 'ro=0 ro', "k.x='$(touch${IFS}/tmp/canary)' k.x"])('regression: %s', (c) => {
    expect(run([c])[0]).toBe(model(c));
    expect(fr.exists(CANARY)).toBe(false);
  });
});
