// LUKS1 and LUKS2 headers: magic "LUKS\xba\xbe", big-endian version at +6, the UUID as text at +168;
// LUKS2 also has a label at +24 and tokens in its JSON metadata.
import { readLuks2TokenTypes } from './luks2-tokens.js';
import { cString, probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

const _MAGIC = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]);

export function readLuks(read: ReadAt): FsProbe | undefined {
  const hdr = readExact(read, 0, 256);
  if (hdr === undefined || !hdr.subarray(0, 6).equals(_MAGIC)) return undefined;
  const version = hdr.readUInt16BE(6);
  if (version !== 1 && version !== 2) return undefined;
  const found = probe('crypto_LUKS', {
    uuid: cString(hdr.subarray(168, 208)),
    label: version === 2 ? cString(hdr.subarray(24, 72)) : undefined,
  });
  const tokens = version === 2 ? readLuks2TokenTypes(read) : undefined;
  if (tokens !== undefined && tokens.length > 0) found.luksTokens = tokens;
  return found;
}
