// rd.debug turns on `set -x` in /init: the crypt hook's commands that see a typed passphrase must not
// be traced, under busybox ash and dash, while the rest of the hook still is. A fake cryptsetup reads
// the key from its stdin (as the real one does with --key-file -) and records it, so the test also
// sees that the passphrase still reaches it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, type Shell } from './fake-root.js';

const PASS = 'correct horse $(touch /tmp/pwned) `id` battery';
const WRONG = 'not-the-passphrase-42';
let fr: FakeRoot | undefined;
afterEach(() => fr?.cleanup());

describe.each<Shell>(['busybox', 'dash'])('crypt_ask_open with tracing on (%s)', (shell) => {
  const setup = (): FakeRoot => {
    const r = FakeRoot.create({ shell });
    fr = r;
    r.file('/usr/lib/mkinitramfs-ts/crypt-lib.sh', readFileSync(join(BUILTIN_MODULES_D, 'crypt/crypt-lib.sh')));
    // the fake cryptsetup accepts only PASS, and keeps every key it was given
    r.tool('/usr/sbin/cryptsetup', `k=$(cat); printf '%s\\n' "$k" >>/tmp/keys; [ "$k" = ${JSON.stringify(PASS).replace(/\$/g, '\\$').replace(/`/g, '\\`')} ]`);
    r.tool('/usr/bin/stty', 'exit 0');
    return r;
  };

  it('never prints a passphrase in the trace, and still hands it to cryptsetup', () => {
    const r = setup();
    const out = r.sh('. /lib/mkinitramfs-ts/crypt-lib.sh\nset -x\ncrypt_ask_open /dev/sda1 cryptroot --allow-discards\necho "rc=$?"\nset +x\necho after-trace-on', {}, { input: `${WRONG}\n${PASS}\n` });
    expect(out.stdout).toContain('rc=0');
    expect(readFileSync(r.disk('/tmp/keys'), 'utf8')).toBe(`${WRONG}\n${PASS}\n`);
    // tracing really was on, before and after the secrets
    expect(out.stderr).toMatch(/^\+ stty -echo$/m);
    expect(out.stderr).toMatch(/^\+ stty echo$/m);
    expect(out.stderr).toMatch(/^\+ echo '?Try again\.'?$/m);
    expect(out.stderr).toMatch(/^\+ echo '?rc=0'?$/m);
    expect(out.stderr).not.toContain(PASS);
    expect(out.stderr).not.toContain(WRONG);
    expect(out.stdout).not.toContain(PASS);
    expect(r.exists('/tmp/pwned')).toBe(false);
  });

  it('leaves tracing off when it was off', () => {
    const r = setup();
    const out = r.sh('. /lib/mkinitramfs-ts/crypt-lib.sh\ncrypt_ask_open /dev/sda1 cryptroot; echo "rc=$? flags=$-"', {}, { input: `${PASS}\n` });
    expect(out.stdout).toMatch(/rc=0 flags=[^x]*$/m);
    expect(out.stderr).toBe('');
  });
});
