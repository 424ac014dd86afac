// The escape hatch for build logic that manifest data cannot express: a feature's check script says
// whether it applies (exit 0 yes, 1 no), its install script prints directives, one per line, that
// are folded into the plan like manifest entries (so `explain` still names the feature):
//   binary NAME|PATH[?]     an executable from the sysroot, with its libraries
//   file PATH[?]            a sysroot file (ELF files bring their libraries)
//   module NAME|ALIAS[?]    a kernel module and what it needs
//   symlink PATH TARGET     a link in the image
//   dir PATH                a directory in the image
// Lines starting with # and blank lines are ignored; anything else is an error naming the script.
// A script from another sysroot's tree runs inside that sysroot (see script-sandbox.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { FeatureManifest } from './manifest.js';
import { sandboxCommand, scriptPlace } from './script-sandbox.js';

export interface ScriptEnv {
  sysroot: string;
  kver: string;
  hostonly: boolean;
  /** Run scripts of the sysroot's own features on this host, as root (--trust-sysroot-scripts). */
  trustSysroot?: boolean;
}

export type Directive =
  | { kind: 'binary' | 'file' | 'module'; name: string; optional: boolean }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'dir'; path: string };

function _run(feature: FeatureManifest, script: string, env: ScriptEnv): { status: number; stdout: string; stderr: string } {
  const file = join(feature.dir, script);
  const place = scriptPlace(feature.sysrootDir !== undefined, env.sysroot, env.trustSysroot === true);
  // inside the sysroot the script sees it as / and its folder at its in-root path
  const inside = place.where === 'sysroot' ? { root: place.root, dir: feature.sysrootDir as string } : undefined;
  const run = inside ? sandboxCommand(inside.root, inside.dir, `${inside.dir}/${script}`, file) : { command: '/bin/sh', args: [file] };
  const r = spawnSync(run.command, run.args, {
    cwd: inside ? '/' : feature.dir,
    encoding: 'utf8',
    env: {
      PATH: inside ? '/usr/sbin:/usr/bin:/sbin:/bin' : (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'),
      MKINITRAMFS_TS_SYSROOT: inside ? '/' : env.sysroot,
      MKINITRAMFS_TS_KVER: env.kver,
      MKINITRAMFS_TS_HOSTONLY: env.hostonly ? '1' : '0',
      MKINITRAMFS_TS_FEATURE: feature.name,
      MKINITRAMFS_TS_FEATURE_DIR: inside ? inside.dir : feature.dir,
    },
    timeout: 60_000,
  });
  if (r.error) throw new ConfigError(`${file}: cannot run: ${r.error.message}`, file);
  return { status: r.status ?? 255, stdout: r.stdout, stderr: r.stderr };
}

/** Whether a default feature with a check script applies to this build. */
export function runCheckScript(feature: FeatureManifest, env: ScriptEnv): boolean {
  if (!feature.check_script) return true;
  const r = _run(feature, feature.check_script, env);
  if (r.status === 0) return true;
  if (r.status === 1) return false;
  const file = join(feature.dir, feature.check_script);
  throw new ConfigError(`${file}: exit ${r.status} (0 = include, 1 = leave out): ${r.stderr.trim().split('\n')[0] ?? ''}`, file);
}

export function runInstallScript(feature: FeatureManifest, env: ScriptEnv): Directive[] {
  if (!feature.install_script) return [];
  const file = join(feature.dir, feature.install_script);
  const r = _run(feature, feature.install_script, env);
  if (r.status !== 0) throw new ConfigError(`${file}: failed with exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`, file);
  return parseDirectives(r.stdout, file);
}

export function parseDirectives(text: string, file: string): Directive[] {
  const out: Directive[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [kind, a, b, ...rest] = line.split(/\s+/);
    const bad = (why: string): ConfigError => new ConfigError(`${file}: output line ${i + 1}: ${why}: ${JSON.stringify(line)}`, file);
    if (rest.length) throw bad('too many words');
    switch (kind) {
      case 'binary':
      case 'file':
      case 'module': {
        if (!a || b !== undefined) throw bad(`'${kind}' takes one name`);
        const optional = a.endsWith('?');
        out.push({ kind, name: optional ? a.slice(0, -1) : a, optional });
        break;
      }
      case 'symlink':
        if (!a?.startsWith('/') || !b) throw bad("'symlink' takes an absolute image path and a target");
        out.push({ kind, path: a, target: b });
        break;
      case 'dir':
        if (!a?.startsWith('/') || b !== undefined) throw bad("'dir' takes one absolute image path");
        out.push({ kind, path: a });
        break;
      default:
        throw bad(`unknown directive '${kind}' (binary, file, module, symlink, dir)`);
    }
  });
  return out;
}
