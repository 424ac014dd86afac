// A feature module's manifest (modules.d/<name>/module.toml), validated into a typed object.
// Unknown keys and wrong types are errors naming the file and the key.
import { parse, TomlError } from 'smol-toml';
import { STAGES, type Stage } from '../boot-contract.js';
import { ConfigError } from '../errors.js';

export interface FeatureFile {
  /** A file in the feature's folder ... */
  source?: string;
  /** ... or a path in the sysroot to copy (with the libraries of an ELF). */
  from_sysroot?: string;
  path: string;
  mode?: number;
  optional: boolean;
}

export interface FeatureLink {
  path: string;
  target: string;
  /** Only when this binary made it into the image. */
  if_binary?: string;
}

export interface FeatureHook {
  stage: Stage;
  script: string;
  order: number;
}

export interface FeatureManifest {
  name: string;
  /** The feature's folder on disk. */
  dir: string;
  /** The manifest file, for messages. */
  file: string;
  /**
   * The folder's in-root path when the feature comes from the sysroot's tree (not shipped with
   * mkinitramfs-ts): its files are read through the Host, its scripts run inside the sysroot.
   */
  sysrootDir?: string;
  description: string;
  /** always: every image; default: unless omitted; optional: only with --add (or when detected). */
  include: 'always' | 'default' | 'optional';
  depends: string[];
  /** The drivers are only for generic images; host-only images get the detected ones instead. */
  generic_only: boolean;
  /** In generic images the feature is added by default only when these binaries exist in the sysroot. */
  requires_binaries: string[];
  /** A default feature is added only when none of these binaries exist in the sysroot (the alternative wins). */
  unless_binaries: string[];
  /** Host-only images get this feature only when the detector finds its stack on the host (lvm, crypt...). */
  when_detected: boolean;
  kernel_modules: string[];
  binaries: string[];
  busybox_applets: string[];
  files: FeatureFile[];
  links: FeatureLink[];
  hooks: FeatureHook[];
  /** PID 1 is this sysroot program: /init links to it instead of being the shell /init. */
  init?: string;
  /** systemd units to take with everything they pull in ("unit?" when the sysroot may lack it). */
  systemd_units: string[];
  /** Units never to take, even when another unit pulls them in. */
  systemd_units_omit: string[];
  /**
   * Which libraries ELF files declare they may dlopen() (.note.dlopen) to bring along: a priority
   * ("required", "recommended", "suggested") takes every library declared at it, any other word is a
   * note's feature name ("tpm2", "cryptsetup") and takes that feature's libraries at any priority.
   */
  dlopen: string[];
  /** Libraries by soname or path below a library dir ("?" optional), found as ld.so would, with their own. */
  libraries: string[];
  /** Binaries only the shell /init's hooks run: like `binaries`, but left out when another init is PID 1. */
  shell_binaries: string[];
  /** The image needs kmod's binary indexes (libkmod in the image loads modules, not only busybox). */
  kmod_indexes: boolean;
  /**
   * Write the image's modules.devname here as systemd-tmpfiles lines (the on-demand loading nodes,
   * as kmod-static-nodes.service would compute them at boot).
   */
  static_nodes?: string;
  /** Escape hatch: a build-time script in the folder; exit 0 includes a default feature, 1 leaves it out. */
  check_script?: string;
  /** Escape hatch: a build-time script whose stdout lines are directives folded into the plan. */
  install_script?: string;
  /**
   * What this feature adds only when another feature is in the same image ([with.NAME] tables), e.g.
   * the udev rules and units a stack needs when systemd is PID 1 instead of the shell /init's hooks.
   */
  with: Record<string, FeatureSection>;
}

/** A [with.NAME] table: lists appended to the feature's own when feature NAME is selected too. */
export type FeatureSection = Pick<FeatureManifest, (typeof SECTION_KEYS)[number]>;

/** The keys a [with.NAME] table may hold. */
export const SECTION_KEYS = ['kernel_modules', 'binaries', 'busybox_applets', 'files', 'links', 'systemd_units', 'systemd_units_omit', 'dlopen', 'libraries'] as const;

type Raw = Record<string, unknown>;

const KEYS = new Set([
  'description', 'include', 'depends', 'generic_only', 'when_detected', 'requires_binaries', 'unless_binaries', 'kernel_modules', 'binaries',
  'busybox_applets', 'files', 'links', 'hooks', 'check_script', 'install_script', 'init', 'systemd_units', 'systemd_units_omit',
  'dlopen', 'kmod_indexes', 'static_nodes', 'libraries', 'shell_binaries', 'with',
]);

export function parseManifest(text: string, name: string, dir: string, file: string): FeatureManifest {
  let raw: Raw;
  try {
    raw = parse(text) as Raw;
  } catch (err) {
    const line = err instanceof TomlError ? `:${err.line}` : '';
    throw new ConfigError(`${file}${line}: invalid TOML: ${(err as Error).message.split('\n')[0]}`, file);
  }
  const bad = (key: string, problem: string): ConfigError => new ConfigError(`${file}: ${key}: ${problem}`, file);
  for (const k of Object.keys(raw)) if (!KEYS.has(k)) throw bad(k, `unknown key (known: ${[...KEYS].join(', ')})`);
  const withRaw = raw['with'] ?? {};
  if (typeof withRaw !== 'object' || withRaw === null || Array.isArray(withRaw)) throw bad('with', 'must be tables [with.FEATURE]');
  const sections: Record<string, FeatureSection> = {};
  for (const [other, t] of Object.entries(withRaw as Raw)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(other)) throw bad(`with.${other}`, 'must name a feature');
    if (other === name) throw bad(`with.${other}`, 'names the feature itself');
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw bad(`with.${other}`, `must be a table [with.${other}]`);
    for (const k of Object.keys(t)) if (!(SECTION_KEYS as readonly string[]).includes(k)) throw bad(`with.${other}.${k}`, `unknown key (known: ${SECTION_KEYS.join(', ')})`);
    const body = _body(t as Raw, file, `with.${other}.`);
    sections[other] = Object.fromEntries(SECTION_KEYS.map((k) => [k, body[k]])) as FeatureSection;
  }
  return { ..._body(raw, file, ''), dir, file, with: sections, name };
}

/** The manifest's fields from a parsed table (the whole file, or one [with.NAME] table). */
function _body(raw: Raw, file: string, prefix: string): Omit<FeatureManifest, 'name' | 'dir' | 'file' | 'with'> {
  const bad = (key: string, problem: string): ConfigError => new ConfigError(`${file}: ${prefix}${key}: ${problem}`, file);

  const str = (key: string, v: unknown, def?: string): string => {
    if (v === undefined && def !== undefined) return def;
    if (typeof v !== 'string') throw bad(key, 'must be a string');
    return v;
  };
  const strList = (key: string): string[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(key, 'must be a list of strings');
    return v as string[];
  };
  const tables = (key: string): Raw[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x)))
      throw bad(key, `must be an array of tables ([[${key}]])`);
    return v as Raw[];
  };
  const only = (key: string, t: Raw, allowed: string[]): void => {
    for (const k of Object.keys(t)) if (!allowed.includes(k)) throw bad(`${key}.${k}`, `unknown key (known: ${allowed.join(', ')})`);
  };

  const include = str('include', raw['include'], 'optional');
  if (include !== 'always' && include !== 'default' && include !== 'optional')
    throw bad('include', 'must be "always", "default" or "optional"');
  for (const k of ['generic_only', 'when_detected', 'kmod_indexes'])
    if (raw[k] !== undefined && typeof raw[k] !== 'boolean') throw bad(k, 'must be true or false');

  const files = tables('files').map((t, i): FeatureFile => {
    only(`files[${i}]`, t, ['source', 'from_sysroot', 'path', 'mode', 'optional']);
    const source = t['source'] === undefined ? undefined : str(`files[${i}].source`, t['source']);
    const from = t['from_sysroot'] === undefined ? undefined : str(`files[${i}].from_sysroot`, t['from_sysroot']);
    if ((source === undefined) === (from === undefined)) throw bad(`files[${i}]`, 'needs exactly one of source or from_sysroot');
    if (source !== undefined && (source.includes('/') || source.startsWith('.'))) throw bad(`files[${i}].source`, 'must be a file name in the feature folder');
    const mode = t['mode'];
    if (mode !== undefined && (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o7777))
      throw bad(`files[${i}].mode`, 'must be an integer mode such as 0o755');
    const path = str(`files[${i}].path`, t['path'] ?? from);
    if (!path.startsWith('/')) throw bad(`files[${i}].path`, 'must be an absolute path in the image');
    if (t['optional'] !== undefined && typeof t['optional'] !== 'boolean') throw bad(`files[${i}].optional`, 'must be true or false');
    return { source, from_sysroot: from, path, mode: mode as number | undefined, optional: t['optional'] === true };
  });
  const links = tables('links').map((t, i): FeatureLink => {
    only(`links[${i}]`, t, ['path', 'target', 'if_binary']);
    return {
      path: str(`links[${i}].path`, t['path']),
      target: str(`links[${i}].target`, t['target']),
      if_binary: t['if_binary'] === undefined ? undefined : str(`links[${i}].if_binary`, t['if_binary']),
    };
  });
  const hooks = tables('hooks').map((t, i): FeatureHook => {
    only(`hooks[${i}]`, t, ['stage', 'script', 'order']);
    const stage = str(`hooks[${i}].stage`, t['stage']);
    if (!(STAGES as readonly string[]).includes(stage)) throw bad(`hooks[${i}].stage`, `unknown stage "${stage}" (stages: ${STAGES.join(', ')})`);
    const order = t['order'] ?? 50;
    if (typeof order !== 'number' || !Number.isInteger(order) || order < 0 || order > 99) throw bad(`hooks[${i}].order`, 'must be an integer 0-99');
    const script = str(`hooks[${i}].script`, t['script']);
    if (script.includes('/') || !/^[A-Za-z0-9][A-Za-z0-9._-]*\.sh$/.test(script))
      throw bad(`hooks[${i}].script`, 'must be a file name ending in .sh in the feature folder (/init sources hooks/STAGE/*.sh)');
    return { stage: stage as Stage, script, order };
  });

  const script = (key: string): string | undefined => {
    if (raw[key] === undefined) return undefined;
    const v = str(key, raw[key]);
    if (v.includes('/')) throw bad(key, 'must be a file name in the feature folder');
    return v;
  };
  const init = raw['init'] === undefined ? undefined : str('init', raw['init']);
  if (init !== undefined && !init.startsWith('/')) throw bad('init', 'must be an absolute path in the sysroot');
  const dlopen = strList('dlopen');
  for (const d of dlopen)
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(d)) throw bad('dlopen', `"${d}" is neither a priority (required, recommended, suggested) nor a .note.dlopen feature name (tpm2, cryptsetup ...)`);
  const libraries = strList('libraries');
  for (const l of libraries)
    if (l.startsWith('/') || l.split('/').includes('..') || !/^[A-Za-z0-9._+/-]+\??$/.test(l))
      throw bad('libraries', `"${l}" must be a soname or a path below a library directory (no leading /, no ..)`);
  const static_nodes = raw['static_nodes'] === undefined ? undefined : str('static_nodes', raw['static_nodes']);
  if (static_nodes !== undefined && !static_nodes.startsWith('/')) throw bad('static_nodes', 'must be an absolute path in the image');
  const check_script = script('check_script');
  const install_script = script('install_script');

  return {
    ...(check_script ? { check_script } : {}),
    ...(install_script ? { install_script } : {}),
    ...(init !== undefined ? { init } : {}),
    description: str('description', raw['description'], prefix ? '' : undefined),
    include,
    depends: strList('depends'),
    generic_only: raw['generic_only'] === true,
    when_detected: raw['when_detected'] === true,
    requires_binaries: strList('requires_binaries'),
    unless_binaries: strList('unless_binaries'),
    kernel_modules: strList('kernel_modules'),
    binaries: strList('binaries'),
    busybox_applets: strList('busybox_applets'),
    systemd_units: strList('systemd_units'),
    systemd_units_omit: strList('systemd_units_omit'),
    dlopen,
    libraries,
    shell_binaries: strList('shell_binaries'),
    kmod_indexes: raw['kmod_indexes'] === true,
    ...(static_nodes === undefined ? {} : { static_nodes }),
    files,
    links,
    hooks,
  };
}
