// udev's database entry of a block device, /run/udev/data/b<MAJ>:<MIN>: "E:KEY=VALUE" lines written
// by its blkid builtin. *_ENC values and ID_PART_ENTRY_NAME use \xNN escapes for unsafe bytes.
import type { BlockIdentity } from '../host-facts.js';

export function udevDataPath(majMin: string): string {
  return `/run/udev/data/b${majMin}`;
}

export function parseUdevData(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) env.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return env;
}

export function identityFromUdev(env: ReadonlyMap<string, string>): BlockIdentity | undefined {
  const id: BlockIdentity = { source: 'udev' };
  _set(id, 'type', env.get('ID_FS_TYPE'));
  _set(id, 'uuid', env.get('ID_FS_UUID_ENC') ?? env.get('ID_FS_UUID'));
  _set(id, 'label', env.has('ID_FS_LABEL_ENC') ? _decodeUdevString(env.get('ID_FS_LABEL_ENC') as string) : env.get('ID_FS_LABEL'));
  _set(id, 'uuidSub', env.get('ID_FS_UUID_SUB_ENC') ?? env.get('ID_FS_UUID_SUB'));
  _set(id, 'partUuid', env.get('ID_PART_ENTRY_UUID'));
  const partName = env.get('ID_PART_ENTRY_NAME');
  _set(id, 'partLabel', partName === undefined ? undefined : _decodeUdevString(partName));
  _set(id, 'ptType', env.get('ID_PART_TABLE_TYPE'));
  _set(id, 'ptUuid', env.get('ID_PART_TABLE_UUID'));
  const md = env.get('MD_UUID');
  _set(id, 'mdUuid', md === undefined ? undefined : _normalizeMdUuid(md));
  return Object.keys(id).length > 1 ? id : undefined;
}

/** udev's "\x20" escapes back to text. */
function _decodeUdevString(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; ) {
    const m = /^\\x([0-9a-fA-F]{2})/.exec(value.slice(i, i + 4));
    if (m) {
      bytes.push(parseInt(m[1] as string, 16));
      i += 4;
    } else {
      bytes.push(...Buffer.from(value[i] as string, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** mdadm writes array UUIDs as four colon-separated words; the kernel (md/uuid) and blkid as 8-4-4-4-12. */
function _normalizeMdUuid(value: string): string {
  const hex = value.replace(/[:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return value;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function _set<K extends keyof BlockIdentity>(id: BlockIdentity, key: K, value: BlockIdentity[K] | undefined): void {
  if (value !== undefined && value !== '') id[key] = value;
}
