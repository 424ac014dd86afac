// /init, the one program the kernel runs from an initramfs: it must exist (symlinks followed inside
// the image, as dracut's /init -> usr/lib/systemd/systemd), be an executable regular file, and be
// something the kernel can execute: an ELF program or a #! script whose interpreter is in the image.
// A shell script must also parse. The libraries of ELF programs are checked by check-elf-links.ts.
import { ElfFile } from '../../elf/elf-file.js';
import { parseShebang } from '../../elf/shebang.js';
import type { ImageTree } from '../image-tree.js';
import { type Problem, problem } from './problem.js';
import { checkShellSyntax, isShell } from './shell-syntax.js';

export const INIT = '/init';

/** The problems of /init; the shell syntax check (a child process) is awaited last. */
export async function checkInit(tree: ImageTree): Promise<Problem[]> {
  const link = tree.lookup(INIT)?.node;
  if (link === undefined) return [problem('missing: the kernel finds no /init to run; the image cannot boot', INIT)];
  const found = tree.resolve(INIT);
  if (found?.node === undefined) return [problem(`is a symlink to ${link.target ?? '?'}, which does not exist in the image`, INIT)];
  const { node, path } = found;
  const via = path === INIT ? '' : ` (${path})`;
  if (node.type !== 'file') return [problem(`${via ? `leads to${via}, ` : 'is '}a ${node.type}, not an executable file`, INIT)];
  if ((node.mode & 0o111) === 0)
    return [problem(`${via ? `leads to${via}, which ` : ''}is not executable (mode ${(node.mode & 0o7777).toString(8)}): chmod +x it`, INIT)];
  const data = node.content?.data ?? Buffer.alloc(0);
  if (ElfFile.isElf(data)) return [];
  const shebang = parseShebang(data);
  if (shebang === undefined)
    return [problem(`${via ? `leads to${via}, which ` : ''}is neither an ELF program nor a #! script: the kernel cannot execute it`, INIT)];
  return [..._checkInterpreter(tree, shebang.interpreter), ...(await _checkSyntax(data, shebang.interpreter))];
}

function _checkInterpreter(tree: ImageTree, interpreter: string): Problem[] {
  if (!interpreter.startsWith('/')) return [problem(`its #! interpreter ${interpreter} is not an absolute path`, INIT)];
  const target = tree.resolve(interpreter)?.node;
  if (target === undefined) return [problem(`its #! interpreter ${interpreter} is not in the image: add it`, INIT)];
  if (target.type !== 'file' || (target.mode & 0o111) === 0)
    return [problem(`its #! interpreter ${interpreter} is not an executable file in the image`, INIT)];
  return [];
}

async function _checkSyntax(script: Buffer, interpreter: string): Promise<Problem[]> {
  if (!isShell(interpreter)) return [];
  const result = await checkShellSyntax(script, interpreter, INIT);
  if (result.error === undefined) return [];
  return [problem(`shell syntax error (${result.shell ?? 'sh'} -n): ${result.error}`, INIT)];
}
