// Positional reads and the byte-level helpers the superblock readers share. A reader gets a
// ReadAt callback (a device, an image file, or bytes built in a test) and never does I/O itself.

/** Up to `length` bytes at `offset`; shorter (possibly empty) past the end. */
export type ReadAt = (offset: number, length: number) => Buffer;

/** What a file-system or container superblock says. */
export interface FsProbe {
  type: string;
  uuid?: string;
  label?: string;
  uuidSub?: string;
  /** A LUKS2 header's token types (systemd-tpm2, systemd-fido2 ...), sorted; absent for LUKS1 and others. */
  luksTokens?: string[];
}

/** Exactly `length` bytes at `offset`, or undefined when the device is shorter. */
export function readExact(read: ReadAt, offset: number, length: number): Buffer | undefined {
  if (offset < 0) return undefined;
  const buf = read(offset, length);
  return buf.length === length ? buf : undefined;
}

/** 16 bytes as a big-endian UUID: 8-4-4-4-12, lowercase. */
export function formatUuid(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** 16 bytes as an EFI GUID: the first three fields are little-endian. */
export function formatGuid(bytes: Buffer): string {
  const swapped = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8, 16),
  ]);
  return formatUuid(swapped);
}

export function isAllZero(bytes: Buffer): boolean {
  return bytes.every((b) => b === 0);
}

/** A NUL-padded UTF-8 string field; undefined when empty. */
export function cString(bytes: Buffer): string | undefined {
  const end = bytes.indexOf(0);
  const text = bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
  return text === '' ? undefined : text;
}

/** Add uuid/label to a probe only when present, so the result stays free of undefined values. */
export function probe(type: string, fields: { uuid?: string | undefined; label?: string | undefined; uuidSub?: string | undefined }): FsProbe {
  const out: FsProbe = { type };
  if (fields.uuid !== undefined) out.uuid = fields.uuid;
  if (fields.label !== undefined) out.label = fields.label;
  if (fields.uuidSub !== undefined) out.uuidSub = fields.uuidSub;
  return out;
}
