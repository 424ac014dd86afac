// Linux limits every name an extract writes must fit: PATH_MAX (4096 bytes, the final NUL included)
// for the path relative to the target directory and NAME_MAX (255 bytes) for each component.
// Checked for the whole tree before anything is written, so a failure leaves no partial tree.
import { OutputError } from '../errors.js';
import { escapeControl } from '../escape-control.js';

const PATH_MAX = 4096;
const NAME_MAX = 255;

/** Throws a one-line OutputError for the first canonical in-image path that Linux could not create. */
export function checkPathLimits(paths: readonly string[], target: string): void {
  for (const p of paths) {
    const relative = p.replace(/^\/+/, '');
    const long = relative.split('/').find((c) => Buffer.byteLength(c) > NAME_MAX);
    if (long !== undefined)
      throw new OutputError(`${target}: a name of ${Buffer.byteLength(long)} bytes in ${_short(p)} exceeds NAME_MAX (${NAME_MAX}): nothing was written`, target);
    if (Buffer.byteLength(relative) + 1 > PATH_MAX)
      throw new OutputError(`${target}: ${_short(p)} is ${Buffer.byteLength(relative)} bytes long, over PATH_MAX (${PATH_MAX}) below the target: nothing was written`, target);
  }
}

function _short(p: string): string {
  return escapeControl(p.length > 60 ? `${p.slice(0, 30)}…${p.slice(-25)}` : p);
}
