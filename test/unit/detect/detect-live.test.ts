// detectHost on this machine's own /sys and /proc: only what must hold anywhere the tests run.
import { describe, expect, it } from 'vitest';
import { detectHost } from '../../../src/detect/detect-host.js';
import { stackNodes } from '../../../src/detect/block-stack.js';
import { FsHost } from '../../../src/host/fs-host.js';

describe('detectHost on the live machine', () => {
  it('finds the root file system, its block device and devices with modaliases', () => {
    const started = performance.now();
    const facts = detectHost(new FsHost({ root: '/' }));
    const ms = performance.now() - started;
    console.log(
      `detectHost(live): ${ms.toFixed(0)} ms, ${facts.devices.length} devices, root ${facts.root.fstype} on ` +
        stackNodes(facts.root.device!).map((n) => `${n.name}(${n.kind})`).join(' > '),
    );
    expect(facts.root.mountPoint).toBe('/');
    expect(facts.root.fstype).toMatch(/^[a-z0-9_.]+$/);
    expect(facts.root.device!.majMin).toMatch(/^\d+:\d+$/);
    expect(facts.root.device!.sysPath).toMatch(/^\/sys\/devices\//);
    expect(facts.devices.length).toBeGreaterThan(0);
    for (const device of facts.devices) expect(device.modalias).toMatch(/^[a-z0-9_]+:/i);
    expect(stackNodes(facts.root.device!).some((n) => n.kind === 'disk')).toBe(true);
  });
});
