// Module options and blacklists given on a kernel command line ("nvme.poll_queues=2",
// "modprobe.blacklist=a,b"): kmod applies them after the config files. A word counts only when a
// module name, one '.', then a parameter come before any '=' ("0.0.0.0:80" and "a=b.c" do not).
import { normalizeAlias } from './names.js';
import type { ModprobeConfig } from './modprobe-config.js';

export function applyKernelCmdline(config: ModprobeConfig, cmdline: string): void {
  for (const word of _words(cmdline)) {
    const parsed = _moduleParam(word);
    if (!parsed) continue;
    const { module, param } = parsed;
    if (module === 'modprobe' && param.startsWith('blacklist=')) {
      for (const name of param.slice('blacklist='.length).split(',')) config.blacklist.push(name);
      continue;
    }
    const name = normalizeAlias(module);
    if (name === undefined) config.warnings.push(`kernel command line: ignoring bad option for module '${module}'`);
    else config.options.push({ module: name, options: param });
  }
}

function _moduleParam(word: string): { module: string; param: string } | undefined {
  let w = word;
  if (w.startsWith('"')) {
    // A fully quoted word ("mod.p=a b") is re-quoted around its value, as kmod does.
    const m = /^"([^".=]+)\.([^".=]+)=(.*)"$/.exec(w);
    return m ? { module: m[1] as string, param: `${m[2] as string}="${m[3] as string}"` } : undefined;
  }
  const eq = w.indexOf('=');
  const head = eq < 0 ? w : w.slice(0, eq);
  const dot = head.indexOf('.');
  if (dot <= 0 || head.includes('.', dot + 1) || head.includes('"')) return undefined;
  if (dot === head.length - 1 && eq < 0) return undefined;
  w = w.slice(dot + 1);
  return { module: head.slice(0, dot), param: w };
}

// Split on blanks, keeping quoted runs together.
function _words(cmdline: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of cmdline) {
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}
