// A raw disk file with a GPT partition table written by sfdisk (which works on a plain file).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, ftruncateSync } from 'node:fs';

export const LINUX_FILESYSTEM_TYPE = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const _MIB = 1024 * 1024;

export interface GptPartition {
  sizeMiB: number;
  uuid: string;
  name: string;
  type?: string;
}

export interface GptLayout {
  diskGuid: string;
  partitions: GptPartition[];
}

/** Writes the disk; returns each partition's byte offset. Partitions start at 1 MiB, back to back. */
export function makeGptDisk(image: string, layout: GptLayout): number[] {
  const offsets: number[] = [];
  let next = _MIB;
  for (const p of layout.partitions) {
    offsets.push(next);
    next += p.sizeMiB * _MIB;
  }
  const fd = openSync(image, 'w');
  ftruncateSync(fd, next + _MIB); // room for the backup table at the end
  closeSync(fd);
  const lines = [
    'label: gpt',
    `label-id: ${layout.diskGuid}`,
    'unit: sectors',
    '',
    ...layout.partitions.map(
      (p, i) =>
        `start=${offsets[i]! / 512}, size=${(p.sizeMiB * _MIB) / 512}, type=${p.type ?? LINUX_FILESYSTEM_TYPE}, uuid=${p.uuid}, name="${p.name}"`,
    ),
  ];
  execFileSync('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', image], {
    input: `${lines.join('\n')}\n`,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return offsets;
}
