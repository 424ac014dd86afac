// Keys pressed on the guest's PS/2 keyboard through QEMU's human monitor (`sendkey`), for what only a
// real keyboard exercises: the console keymap turns each key into a character inside the guest. Names
// are QEMU's key codes, i.e. positions on a US keyboard: 'a', 'shift-a', 'spc', 'ret', 'minus', 'slash'.
import { createConnection } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh path for the monitor's socket and the qemu arguments that open it. */
export function monitorSocket(): { path: string; args: string[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'qemu-mon-')), 'monitor.sock');
  return { path, args: ['-chardev', `socket,id=mon0,path=${path},server=on,wait=off`, '-mon', 'chardev=mon0,mode=readline'] };
}

/** Press the keys one after the other; each is held 50 ms and the next follows after 120 ms. */
export async function pressKeys(socketPath: string, keys: string[], delayMs = 0): Promise<void> {
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const sock = createConnection(socketPath);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  sock.on('data', () => {}); // the monitor's banner and echo
  try {
    for (const key of keys) {
      if (!/^[a-z0-9_]+(-[a-z0-9_]+)*$/.test(key)) throw new Error(`not a QEMU key name: ${JSON.stringify(key)}`);
      sock.write(`sendkey ${key} 50\n`);
      await new Promise((r) => setTimeout(r, 120));
    }
  } finally {
    sock.end();
  }
}
