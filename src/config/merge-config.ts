// Combines configuration files in reading order: a later file's scalar replaces an earlier one, a
// later file's list is appended to the earlier ones (dracut's `+=`), keeping the first of duplicates.
import { CONFIG_KEYS, emptyConfig, type MkConfig } from './config-schema.js';

export function mergeConfigs(configs: readonly MkConfig[]): MkConfig {
  const merged = emptyConfig();
  const out = merged as unknown as Record<string, unknown>;
  for (const config of configs) {
    const src = config as unknown as Record<string, unknown>;
    for (const { field, kind } of CONFIG_KEYS) {
      const value = src[field];
      if (value === undefined) continue;
      if (kind === 'list') out[field] = _appendUnique(out[field] as string[], value as string[]);
      else out[field] = value;
    }
  }
  return merged;
}

function _appendUnique(base: string[], more: readonly string[]): string[] {
  const result = [...base];
  for (const v of more) if (!result.includes(v)) result.push(v);
  return result;
}
