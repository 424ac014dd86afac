// The blkid cache format (/run/blkid/blkid.tab): one line per device,
//   <device DEVNO="0x0802" TYPE="ext4" UUID="..." LABEL="...">/dev/sda2</device>
// DEVNO is glibc's dev_t encoding. A capture writes its identities in this format too, with one
// extra key, SOURCE, saying where each was read from.
import type { BlockIdentity } from '../host-facts.js';

export interface BlkidEntry {
  devName: string;
  majMin?: string;
  tags: Map<string, string>;
}

const _KEYS: ReadonlyArray<[keyof Omit<BlockIdentity, 'source' | 'luksTokens'>, string]> = [
  ['type', 'TYPE'],
  ['uuid', 'UUID'],
  ['label', 'LABEL'],
  ['uuidSub', 'UUID_SUB'],
  ['partUuid', 'PARTUUID'],
  ['partLabel', 'PARTLABEL'],
  ['ptType', 'PTTYPE'],
  ['ptUuid', 'PTUUID'],
  ['mdUuid', 'MD_UUID'],
];

export function parseBlkidTab(text: string): BlkidEntry[] {
  const entries: BlkidEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^<device((?:\s+[A-Z_]+="(?:[^"\\]|\\.)*")*)\s*>(.*)<\/device>\s*$/.exec(line.trim());
    if (!m) continue;
    const tags = new Map<string, string>();
    for (const t of (m[1] as string).matchAll(/([A-Z_]+)="((?:[^"\\]|\\.)*)"/g))
      tags.set(t[1] as string, (t[2] as string).replace(/\\(.)/g, '$1'));
    const entry: BlkidEntry = { devName: m[2] as string, tags };
    const devno = tags.get('DEVNO');
    if (devno !== undefined && /^0x[0-9a-fA-F]+$/.test(devno) && BigInt(devno) !== 0n) entry.majMin = _decodeDevno(BigInt(devno));
    entries.push(entry);
  }
  return entries;
}

export function formatBlkidLine(devName: string, majMin: string, identity: BlockIdentity | undefined): string {
  const attrs = [`DEVNO="0x${_encodeDevno(majMin).toString(16).padStart(4, '0')}"`];
  if (identity !== undefined) {
    attrs.push(`SOURCE="${identity.source}"`);
    for (const [key, tag] of _KEYS) if (identity[key] !== undefined) attrs.push(`${tag}="${_escape(identity[key])}"`);
    // not a blkid tag: our own, so that a capture keeps what the LUKS2 header's tokens are
    if (identity.luksTokens?.length) attrs.push(`LUKS_TOKENS="${_escape(identity.luksTokens.join(','))}"`);
  }
  return `<device ${attrs.join(' ')}>${devName}</device>`;
}

/** The identity a blkid.tab line describes; undefined when it has no tag we know. */
export function identityFromBlkid(entry: BlkidEntry, fallbackSource: BlockIdentity['source']): BlockIdentity | undefined {
  const source = entry.tags.get('SOURCE');
  const id: BlockIdentity = { source: source === 'superblock' || source === 'udev' || source === 'blkid-cache' ? source : fallbackSource };
  for (const [key, tag] of _KEYS) {
    const value = entry.tags.get(tag);
    if (value !== undefined && value !== '') id[key] = value;
  }
  const tokens = entry.tags.get('LUKS_TOKENS');
  if (tokens !== undefined && tokens !== '') id.luksTokens = tokens.split(',');
  return Object.keys(id).length > 1 ? id : undefined;
}

/** glibc makedev(): minor's low byte, major's low 12 bits, minor's high bits, major's high bits. */
function _decodeDevno(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n);
  const minor = (dev & 0xffn) | ((dev >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}

function _encodeDevno(majMin: string): bigint {
  const [major, minor] = majMin.split(':').map((n) => BigInt(n)) as [bigint, bigint];
  return ((major & 0xfffn) << 8n) | ((major & 0xfffff000n) << 32n) | (minor & 0xffn) | ((minor & 0xffffff00n) << 12n);
}

function _escape(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
