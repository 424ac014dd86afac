// build --fallback-generic (what the kernel hooks run): which failures of a host-only build a generic
// build may get past, and which it would meet again.
import { describe, expect, it } from 'vitest';
import { genericMayDo } from '../../../../src/cli/commands/build.js';
import {
  BadElfError,
  BadModuleError,
  CompressorError,
  ConfigError,
  DetectError,
  KernelDirError,
  ModulesDbError,
  NotBootableError,
  NotFoundError,
  OutputError,
  UnknownFeatureError,
  UnreadableError,
  UsageError,
} from '../../../../src/errors.js';

describe('genericMayDo', () => {
  it.each([
    ['host detection failed', new DetectError('/sys/dev/block/254:0: no such device')],
    ['the detected root needs what the target kernel or modules.d lacks', new NotBootableError("the root file system needs the 'lvm' feature")],
    ['a detected driver is broken', new BadModuleError('x.ko: truncated')],
    ['a host file cannot be read', new UnreadableError('/proc/self/mountinfo: permission denied')],
    ['a host file is missing', new NotFoundError('/sys/block: no such file or directory')],
    ['a helper binary is unusable', new BadElfError('/usr/sbin/lvm: no libdevmapper')],
    ['a bug (not a typed error)', new TypeError('x is undefined')],
  ])('retries generic when %s', (_what, err) => {
    expect(genericMayDo(err)).toBe(true);
  });

  it.each([
    ['a bad flag', new UsageError('--root-timeout x')],
    ['a bad configuration file', new ConfigError('a.conf:1: unknown key')],
    ['an unknown feature', new UnknownFeatureError('no feature foo')],
    ['a broken kernel module directory', new KernelDirError('no modules.dep')],
    ['a broken modules database', new ModulesDbError('modules.dep:1: bad line')],
    ['a missing compressor', new CompressorError('zstd not installed')],
    ['an unwritable output', new OutputError('/boot: no space left on device')],
  ])('does not retry on %s: a generic build would fail the same way', (_what, err) => {
    expect(genericMayDo(err)).toBe(false);
  });
});
