// The `#!` line of a script, split as the kernel's binfmt_script splits it: the interpreter runs up to
// the first blank, everything after it (trimmed) is one optional argument. Only the first 256 bytes
// count (BINPRM_BUF_SIZE).
export const SHEBANG_BYTES = 256;

export interface Shebang {
  interpreter: string;
  arg?: string;
}

export function isScript(head: Uint8Array): boolean {
  return head[0] === 0x23 && head[1] === 0x21; // "#!"
}

/** The interpreter and argument of a `#!` line; undefined when there is no interpreter named. */
export function parseShebang(head: Uint8Array): Shebang | undefined {
  if (!isScript(head)) return undefined;
  const text = Buffer.from(head.subarray(0, SHEBANG_BYTES)).toString('latin1');
  const nl = text.indexOf('\n');
  const line = (nl < 0 ? text : text.slice(0, nl)).slice(2).replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
  if (line === '') return undefined;
  const blank = line.search(/[ \t]/);
  if (blank < 0) return { interpreter: line };
  const arg = line.slice(blank).trim();
  return arg === '' ? { interpreter: line.slice(0, blank) } : { interpreter: line.slice(0, blank), arg };
}

/**
 * The program an `env` interpreter will look up in PATH. The kernel passes env one argument, so
 * "#!/usr/bin/env bash" runs "bash"; only `-S` (split string) makes env split it into words, of
 * which the first that is neither an option nor a NAME=VALUE assignment is the program.
 */
export function envProgram(arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  const split = /^(?:-S|--split-string(?:=|\s))\s*(.*)$/s.exec(arg);
  if (!split) return arg.startsWith('-') || arg.includes('=') ? undefined : arg;
  for (const word of (split[1] ?? '').split(/[ \t]+/)) {
    if (word === '' || word.startsWith('-') || word.includes('=')) continue;
    return word;
  }
  return undefined;
}
