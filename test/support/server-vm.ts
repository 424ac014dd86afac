// A server VM of the network-root boot tests (NFS, DHCPv6): a QEMU guest on a network of its own with the
// clients (QEMU socket networking on this machine's loopback: the server listens, each client connects
// in turn). startServerVm boots it and resolves once its console says it is ready; the server then runs
// until stop() (one VM slot of the harness for as long as it runs).
import { existsSync, readFileSync } from 'node:fs';
import { bootVm, type BootResult } from './qemu.js';
import type { VmDisk } from './qemu/drive-args.js';
import { newBootLogFile } from './qemu/log-files.js';

export interface ServerVm {
  /** The netdev arguments of a client: connected to the server's socket, with its own MAC. */
  clientNic(mac: string): string[];
  /** Kills the server VM and resolves once qemu is gone. */
  stop(): Promise<BootResult>;
  log(): string;
}

export interface ServerVmOptions {
  /** Names the serial log and the errors. */
  name: string;
  kernel: string;
  initrd: string;
  append: string;
  disks: VmDisk[];
  mac: string;
  port: number;
  ready: RegExp;
  failed: RegExp;
  timeoutMs: number;
}

export async function startServerVm(opts: ServerVmOptions): Promise<ServerVm> {
  const logFile = newBootLogFile(opts.name);
  const abort = new AbortController();
  const run = bootVm({
    kernel: opts.kernel, initrd: opts.initrd, append: opts.append, disks: opts.disks,
    extraArgs: ['-netdev', `socket,id=n1,listen=127.0.0.1:${opts.port}`, '-device', `virtio-net-pci,netdev=n1,mac=${opts.mac}`],
    until: [opts.ready], failOn: [opts.failed],
    // after READY the server runs until stop(): the harness's wait for a power-off is the server's life
    graceMs: 3_600_000, timeoutMs: 3_600_000, logFile, signal: abort.signal,
  });
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const started = Date.now();
  let ended: BootResult | undefined;
  void run.then((r) => (ended = r));
  while (!opts.ready.test(log())) {
    if (ended) throw new Error(`the ${opts.name} VM stopped before it was ready (log ${logFile}):\n${log().slice(-4000)}`);
    if (opts.failed.test(log())) throw new Error(`the ${opts.name} VM failed (log ${logFile}):\n${log().slice(-4000)}`);
    if (Date.now() - started > opts.timeoutMs) {
      abort.abort();
      await run;
      throw new Error(`the ${opts.name} VM was not ready within ${opts.timeoutMs} ms (log ${logFile}):\n${log().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    clientNic: (mac) => ['-netdev', `socket,id=n1,connect=127.0.0.1:${opts.port}`, '-device', `virtio-net-pci,netdev=n1,mac=${mac}`],
    stop: async () => {
      abort.abort();
      return run;
    },
    log,
  };
}
