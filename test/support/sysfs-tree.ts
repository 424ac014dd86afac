// Build fake sysroots with a kernel-shaped /sys and /proc inside a temp dir: real-looking paths and
// relative symlinks as the kernel makes them (including the subsystem/driver loops a walk must not
// follow). Every helper takes in-root absolute paths.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { FsHost } from '../../src/host/fs-host.js';

export interface DriverSpec {
  bus: string;
  name: string;
  /** The module that provides the driver; absent for a built-in driver. */
  module?: string;
}

export interface DeviceSpec {
  modalias?: string;
  driver?: DriverSpec;
  /** The bus or class this device belongs to (the `subsystem` link); defaults to the driver's bus. */
  subsystem?: string;
}

export class SysfsTree {
  private constructor(readonly root: string) {}

  static create(prefix = 'sysfs-tree-'): SysfsTree {
    return new SysfsTree(fs.mkdtempSync(join(tmpdir(), prefix)));
  }

  host(): FsHost {
    return new FsHost({ root: this.root });
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  disk(inRoot: string): string {
    return join(this.root, inRoot);
  }

  dir(path: string): this {
    fs.mkdirSync(this.disk(path), { recursive: true });
    return this;
  }

  file(path: string, content: string | Buffer): this {
    this.dir(posix.dirname(path));
    fs.writeFileSync(this.disk(path), content);
    return this;
  }

  /** A symlink at `path` to the in-root absolute `target`, written relative as sysfs does. */
  link(path: string, target: string): this {
    this.dir(posix.dirname(path));
    fs.symlinkSync(posix.relative(posix.dirname(path), target), this.disk(path));
    return this;
  }

  /** A device directory with uevent, power/, subsystem and (optionally) modalias and driver links. */
  device(sysPath: string, spec: DeviceSpec = {}): this {
    this.file(`${sysPath}/uevent`, spec.driver ? `DRIVER=${spec.driver.name}\n` : '');
    this.file(`${sysPath}/power/control`, 'auto\n');
    const subsystem = spec.subsystem ?? spec.driver?.bus;
    if (subsystem !== undefined) this.link(`${sysPath}/subsystem`, `/sys/bus/${subsystem}`).dir(`/sys/bus/${subsystem}`);
    if (spec.modalias !== undefined) this.file(`${sysPath}/modalias`, `${spec.modalias}\n`);
    if (spec.driver !== undefined) {
      const drv = `/sys/bus/${spec.driver.bus}/drivers/${spec.driver.name}`;
      this.link(`${sysPath}/driver`, drv);
      if (!fs.existsSync(this.disk(`${drv}/${posix.basename(sysPath)}`))) this.link(`${drv}/${posix.basename(sysPath)}`, sysPath);
      if (spec.driver.module !== undefined && !fs.existsSync(this.disk(`${drv}/module`))) {
        this.dir(`/sys/module/${spec.driver.module}/drivers`);
        this.link(`${drv}/module`, `/sys/module/${spec.driver.module}`);
      }
    }
    return this;
  }

  /**
   * A whole disk under its parent device: <parent>/block/<name> (or <parent>/<name> for NVMe
   * namespaces, which have no block/ level), with /sys/block, class and dev links.
   */
  blockDisk(parent: string, name: string, majMin: string, opts: { sizeSectors?: number; blockDir?: boolean } = {}): string {
    const sysPath = opts.blockDir === false ? `${parent}/${name}` : `${parent}/block/${name}`;
    const sizeSectors = opts.sizeSectors ?? 2097152;
    this._blockCommon(sysPath, name, majMin, sizeSectors);
    this.file(`${sysPath}/queue/logical_block_size`, '512\n').link(`/sys/block/${name}`, sysPath);
    if (!parent.startsWith('/sys/devices/virtual')) this.link(`${sysPath}/device`, parent);
    return sysPath;
  }

  partition(diskSysPath: string, name: string, majMin: string, number: number, sizeSectors = 1048576): string {
    const sysPath = `${diskSysPath}/${name}`;
    this._blockCommon(sysPath, name, majMin, sizeSectors);
    this.file(`${sysPath}/partition`, `${number}\n`);
    return sysPath;
  }

  /** A device-mapper device /sys/devices/virtual/block/<name> stacked on `slaves` (sysfs paths). */
  dm(name: string, majMin: string, dm: { uuid: string; name: string }, slaves: string[]): string {
    const sysPath = this.blockDisk('/sys/devices/virtual', name, majMin);
    this.file(`${sysPath}/dm/uuid`, `${dm.uuid}\n`).file(`${sysPath}/dm/name`, `${dm.name}\n`);
    this._stackOn(sysPath, slaves);
    return sysPath;
  }

  md(name: string, majMin: string, level: string, slaves: string[], uuid?: string): string {
    const sysPath = this.blockDisk('/sys/devices/virtual', name, majMin);
    this.file(`${sysPath}/md/level`, `${level}\n`);
    if (uuid !== undefined) this.file(`${sysPath}/md/uuid`, `${uuid}\n`);
    this._stackOn(sysPath, slaves);
    return sysPath;
  }

  /** /proc/self as the kernel has it: a link to the reading process's pid directory. */
  mountinfo(lines: string[]): this {
    this.file('/proc/4242/mountinfo', lines.map((l) => `${l}\n`).join(''));
    if (!fs.existsSync(this.disk('/proc/self'))) fs.symlinkSync('4242', this.disk('/proc/self'));
    return this;
  }

  /** An input device <parent>/input/<name> with capability bitmaps, linked from /sys/class/input. */
  input(parent: string, name: string, caps: { name: string; ev: string; key: string; modalias?: string }): string {
    const sysPath = `${parent}/input/${name}`;
    this.device(sysPath, { subsystem: 'input', ...(caps.modalias ? { modalias: caps.modalias } : {}) });
    this.file(`${sysPath}/name`, `${caps.name}\n`)
      .file(`${sysPath}/capabilities/ev`, `${caps.ev}\n`)
      .file(`${sysPath}/capabilities/key`, `${caps.key}\n`)
      .link(`${sysPath}/device`, parent)
      .link(`/sys/class/input/${name}`, sysPath);
    return sysPath;
  }

  private _blockCommon(sysPath: string, name: string, majMin: string, sizeSectors: number): void {
    this.file(`${sysPath}/dev`, `${majMin}\n`)
      .file(`${sysPath}/size`, `${sizeSectors}\n`)
      .file(`${sysPath}/uevent`, `MAJOR=${majMin.split(':')[0]}\nMINOR=${majMin.split(':')[1]}\nDEVNAME=${name}\n`)
      .dir(`${sysPath}/holders`)
      .dir(`${sysPath}/slaves`)
      .link(`${sysPath}/subsystem`, '/sys/class/block')
      .link(`/sys/class/block/${name}`, sysPath)
      .link(`/sys/dev/block/${majMin}`, sysPath);
  }

  private _stackOn(sysPath: string, slaves: string[]): void {
    for (const slave of slaves) {
      this.link(`${sysPath}/slaves/${posix.basename(slave)}`, slave);
      this.link(`${slave}/holders/${posix.basename(sysPath)}`, sysPath);
    }
  }
}

/** Write `bytes` at `offset` into the image file at `path` (created or extended as needed). */
export function writeAt(path: string, offset: number, bytes: Buffer): void {
  fs.mkdirSync(dirname(path), { recursive: true });
  const fd = fs.openSync(path, fs.existsSync(path) ? 'r+' : 'w+');
  try {
    fs.writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    fs.closeSync(fd);
  }
}
