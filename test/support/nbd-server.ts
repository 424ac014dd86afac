// qemu-nbd on this machine's loopback for the network boot cells: the guest reaches it through QEMU's
// user network as 10.0.2.2. Nothing leaves the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export { freePort } from './free-port.js';
import { freePort } from './free-port.js';

export interface NbdServer {
  port: number;
  stop(): void;
}

/** qemu-nbd serving `disk` read-write on a copy-on-write snapshot (the disk itself is never written). */
export async function serveNbd(disk: string): Promise<NbdServer> {
  const port = await freePort();
  const server: ChildProcess = spawn('qemu-nbd', ['--snapshot', '--persistent', '--format=raw', '--bind=127.0.0.1', `--port=${port}`, disk], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  server.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const handle = { port, stop: () => void server.kill('SIGTERM') };
  // listening once a connection is accepted
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return handle;
    if (server.exitCode !== null) throw new Error(`qemu-nbd exited ${server.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  handle.stop();
  throw new Error(`qemu-nbd did not listen on 127.0.0.1:${port}: ${err}`);
}
