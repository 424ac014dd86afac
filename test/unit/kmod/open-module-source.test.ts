// openModuleSource().resolve on a hand-made kernel: what a kernel of another flavour lacks or has built
// in is a note, never an error, unless the request is required and the kernel neither has nor builds
// it in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModuleSource } from '../../../src/kmod/open-module-source.js';
import type { ModuleRequest, ModuleSource } from '../../../src/kmod/module-source.js';
import { BadModuleError } from '../../../src/errors.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { fakeKernel } from './fake-kernel.js';
import { KVER } from './tree.js';
import type { TempTree } from './tree.js';

let tree: TempTree;
let source: ModuleSource;
beforeAll(() => {
  tree = fakeKernel();
  source = openModuleSource(new FsHost({ root: tree.root }), KVER);
});
afterAll(() => tree.cleanup());

const req = (name: string, optional = false, why = 'feature test'): ModuleRequest => ({ name, optional, why });

describe('resolve: groups', () => {
  it('a "=DIR" group brings every module under kernel/DIR, with no note', async () => {
    const r = await source.resolve([req('=drivers/usb/host')], []);
    expect(r.modules.map((m) => m.name)).toEqual(['usbcore', 'ehci_hcd', 'uhci_hcd']);
    expect(r.notes).toEqual([]);
  });

  it('a group the kernel has nothing under is a note, not an error, even when not marked optional', async () => {
    const r = await source.resolve([req('=drivers/mmc'), req('=drivers/virtio/')], []);
    expect(r.notes).toEqual([{ subject: '=drivers/mmc', text: `no modules under kernel/drivers/mmc in kernel ${KVER}: skipped`, reasons: ['feature test'] }]);
    expect(r.modules.map((m) => m.name)).toEqual(['virtio', 'virtio_ring', 'virtio_pci']);
  });

  it('a group whose drivers are built in is a note that names them', async () => {
    const r = await source.resolve([req('=fs/debugfs')], []);
    expect(r.modules).toEqual([]);
    expect(r.notes).toEqual([{ subject: '=fs/debugfs', text: `built into kernel ${KVER} (debugfs)`, reasons: ['feature test'] }]);
  });
});

describe('resolve: names and aliases', () => {
  it('a built-in module satisfies a required request and is reported as built in, not missing', async () => {
    const r = await source.resolve([req('debugfs'), req('hmac', true)], []);
    expect(r.modules).toEqual([]);
    expect(r.builtin).toEqual(['debugfs', 'hmac']);
    expect(r.notes).toEqual([
      { subject: 'debugfs', text: `built into kernel ${KVER}`, reasons: ['feature test'] },
      { subject: 'hmac', text: `built into kernel ${KVER}`, reasons: ['feature test'] },
    ]);
  });

  it('an alias that resolves to a built-in names the module', async () => {
    const r = await source.resolve([req('fs-debugfs')], []);
    expect(r.notes).toEqual([{ subject: 'fs-debugfs', text: `built into kernel ${KVER} (debugfs)`, reasons: ['feature test'] }]);
  });

  it('an optional request the kernel lacks is a note, and the rest still resolves', async () => {
    const r = await source.resolve([req('usbhid', true, 'feature kernel-modules (default)'), req('ext4')], []);
    expect(r.notes).toEqual([{ subject: 'usbhid', text: `not in kernel ${KVER}: skipped`, reasons: ['feature kernel-modules (default)'] }]);
    expect(r.modules.map((m) => m.name)).toContain('ext4');
    expect(r.warnings).toEqual([]);
  });

  it('a required request the kernel neither has nor builds in is BadModuleError naming it and the kernel', async () => {
    await expect(source.resolve([req('usbhid', false, 'requested with --add-drivers')], [])).rejects.toThrow(BadModuleError);
    await expect(source.resolve([req('usbhid', false, 'requested with --add-drivers')], [])).rejects.toThrow(`unknown module or alias 'usbhid' for kernel ${KVER}`);
  });

  it('an omitted request gives no note', async () => {
    expect((await source.resolve([req('nosuch', true)], ['nosuch'])).notes).toEqual([]);
  });
});
