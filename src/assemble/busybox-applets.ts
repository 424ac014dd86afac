// The applets a busybox binary provides, read from the binary itself (its sorted, NUL-separated
// name table starts "[", "[["), so the image never links an applet the binary lacks and no target
// binary is run at build time.
export function readBusyboxApplets(binary: Uint8Array): Set<string> | undefined {
  const buf = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
  const start = buf.indexOf(Buffer.from('\0[\0[[\0', 'latin1'));
  if (start < 0) return undefined;
  const names = new Set<string>();
  let i = start + 1;
  let prev = '';
  for (;;) {
    const end = buf.indexOf(0, i);
    if (end <= i) break;
    const name = buf.toString('latin1', i, end);
    // the table is sorted and holds only printable names; stop at the first thing that is not one
    if (!/^[\x21-\x7e]+$/.test(name) || name < prev) break;
    names.add(name);
    prev = name;
    i = end + 1;
  }
  return names.size >= 2 ? names : undefined;
}
