// The I/O shell around the pure checks: read the configuration files, parse them as TOML, validate
// each, merge them in order.
import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import { ConfigError, fsError } from '../errors.js';
import { emptyConfig, type MkConfig } from './config-schema.js';
import { configFiles, type ConfigLocation } from './config-files.js';
import { mergeConfigs } from './merge-config.js';
import { validateConfig } from './validate-config.js';

export interface LoadedConfig {
  config: MkConfig;
  warnings: string[];
  errors: string[];
  /** The files read, in order. */
  files: string[];
}

export function loadConfig(loc: ConfigLocation): LoadedConfig {
  const files = configFiles(loc);
  if (files.length === 0) return { config: emptyConfig(), warnings: [], errors: [], files };
  const configs: MkConfig[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const text = _read(file);
    let parsed: Record<string, unknown>;
    try {
      parsed = parse(text) as Record<string, unknown>;
    } catch (err) {
      if (!(err instanceof TomlError)) throw err;
      const reason = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'syntax error';
      errors.push(`${file}:${err.line}:${err.column}: not valid TOML: ${reason} (see the man page for the file format)`);
      continue;
    }
    const checked = validateConfig(parsed, { file, text });
    configs.push(checked.config);
    warnings.push(...checked.warnings);
    errors.push(...checked.errors);
  }
  return { config: configs.length ? mergeConfigs(configs) : emptyConfig(), warnings, errors, files };
}

/** loadConfig, but any error stops the build: one line per problem. */
export function loadConfigOrThrow(loc: ConfigLocation): LoadedConfig {
  const loaded = loadConfig(loc);
  const first = loaded.errors[0];
  if (first !== undefined) throw new ConfigError(loaded.errors.join('\n'), loaded.files.find((f) => first.startsWith(`${f}:`)));
  return loaded;
}

function _read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw fsError(err, file);
  }
}
