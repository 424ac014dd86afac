// The .modinfo section of a module: NUL-separated "key=value" strings (empty strings between them are
// padding). Parsed in order, as `modinfo` lists them; a string without '=' is a key with an empty value.
export interface ModinfoEntry {
  readonly key: string;
  readonly value: string;
}

export interface Modinfo {
  /** The file it was read from (in-root). */
  readonly file: string;
  readonly entries: readonly ModinfoEntry[];
}

export function parseModinfo(section: Uint8Array, file: string): Modinfo {
  const entries: ModinfoEntry[] = [];
  let off = 0;
  while (off < section.length) {
    if (section[off] === 0) {
      off++;
      continue;
    }
    let end = section.indexOf(0, off);
    if (end < 0) end = section.length;
    const s = Buffer.from(section.buffer, section.byteOffset + off, end - off).toString('utf8');
    off = end + 1;
    const eq = s.indexOf('=');
    entries.push(eq < 0 ? { key: s, value: '' } : { key: s.slice(0, eq), value: s.slice(eq + 1) });
  }
  return { file, entries };
}

/** Every value of `key`, in order. */
export function modinfoValues(info: Modinfo, key: string): string[] {
  return info.entries.filter((e) => e.key === key).map((e) => e.value);
}

/** The first value of `key`, or undefined. */
export function modinfoValue(info: Modinfo, key: string): string | undefined {
  return info.entries.find((e) => e.key === key)?.value;
}

/** `depends=` as module names ("" → []). */
export function modinfoDepends(info: Modinfo): string[] {
  const v = modinfoValue(info, 'depends');
  return v === undefined || v === '' ? [] : v.split(',');
}
