// An ext4 filesystem made from a directory with `mke2fs -d`: no root privileges, no loop mount, no
// kernel support needed. With `offsetBytes` it is written into an existing file at that offset
// (a partition), leaving the rest of the file alone.
import { execFileSync } from 'node:child_process';

export interface Ext4Spec {
  /** The directory whose contents become the filesystem's root. */
  fromDir: string;
  uuid: string;
  label: string;
  sizeMiB: number;
  offsetBytes?: number;
}

export function makeExt4(image: string, spec: Ext4Spec): void {
  // nodiscard: discarding would punch holes in the file, outside the partition when at an offset.
  const extended = ['nodiscard', ...(spec.offsetBytes ? [`offset=${spec.offsetBytes}`] : [])].join(',');
  execFileSync(
    'mke2fs',
    ['-q', '-F', '-t', 'ext4', '-d', spec.fromDir, '-U', spec.uuid, '-L', spec.label, '-E', extended, image, `${spec.sizeMiB}M`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
