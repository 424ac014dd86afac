// The token types of a LUKS2 header ("systemd-tpm2", "systemd-fido2", "systemd-recovery" ...), read
// only. The binary header (4 KiB: magic, version 2, big-endian u64 header size at +8) is followed by
// the JSON metadata, NUL-terminated, up to the header size; its "tokens" object maps ids to
// {type, keyslots, ...}. Only the primary header is read: cryptsetup writes both copies together.
import type { ReadAt } from './read-at.js';

const _MAGIC = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]);
const _BINARY_HEADER = 4096;
// the header sizes LUKS2 allows: 16 KiB to 4 MiB, powers of two
const _MIN_HDR = 16 * 1024;
const _MAX_HDR = 4 * 1024 * 1024;

/**
 * The sorted, distinct token types of a LUKS2 header; undefined when the device holds no LUKS2
 * header or its JSON cannot be read (a damaged header is cryptsetup's to report, not a build's).
 */
export function readLuks2TokenTypes(read: ReadAt): string[] | undefined {
  const bin = read(0, 16);
  if (bin.length < 16 || !bin.subarray(0, 6).equals(_MAGIC) || bin.readUInt16BE(6) !== 2) return undefined;
  const size = bin.readBigUInt64BE(8);
  if (size < BigInt(_MIN_HDR) || size > BigInt(_MAX_HDR) || (size & (size - 1n)) !== 0n) return undefined;
  const area = read(_BINARY_HEADER, Number(size) - _BINARY_HEADER);
  const end = area.indexOf(0);
  let json: unknown;
  try {
    json = JSON.parse(area.subarray(0, end < 0 ? area.length : end).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const tokens = (json as Record<string, unknown>)['tokens'];
  if (typeof tokens !== 'object' || tokens === null || Array.isArray(tokens)) return [];
  const types = new Set<string>();
  for (const t of Object.values(tokens as Record<string, unknown>)) {
    const type = typeof t === 'object' && t !== null ? (t as Record<string, unknown>)['type'] : undefined;
    if (typeof type === 'string' && type !== '') types.add(type);
  }
  return [...types].sort();
}
