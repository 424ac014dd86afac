// Secure Boot signing of a UKI with sbsign (Debian: sbsigntool), then the signature checked with
// sbverify against the same certificate before the file may replace anything. The unsigned file
// lives only in a private temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, OutputError } from '../errors.js';
import { findTool } from '../compress/system-tool.js';

export interface SecureBootKey {
  key: string;
  cert: string;
}

export function signUki(parts: readonly Buffer[], sb: SecureBootKey): Buffer {
  const sbsign = _tool('sbsign');
  const sbverify = _tool('sbverify');
  const dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-sign-')); // mode 0700
  try {
    const unsigned = join(dir, 'unsigned.efi');
    const signed = join(dir, 'signed.efi');
    writeFileSync(unsigned, Buffer.concat(parts), { mode: 0o600 });
    _run(sbsign, ['--key', sb.key, '--cert', sb.cert, '--output', signed, unsigned], `sign the UKI with --secureboot-key ${sb.key} --secureboot-cert ${sb.cert}`);
    _run(sbverify, ['--cert', sb.cert, signed], `check the new signature against ${sb.cert}`);
    return readFileSync(signed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whether these bytes carry a signature `cert` verifies (sbverify); the reason when not. sbverify reads
 * a private copy of them, never the caller's path, which may have changed since it was read.
 */
export function checkSignature(bytes: Buffer, cert: string): string | undefined {
  const sbverify = _tool('sbverify');
  const dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-sbverify-')); // mode 0700
  try {
    const copy = join(dir, 'uki.efi');
    writeFileSync(copy, bytes, { mode: 0o600 });
    const r = spawnSync(sbverify, ['--cert', cert, copy], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status === 0) return undefined;
    return `Secure Boot signature not valid for ${cert}: ${_last((r.stderr || r.stdout).replaceAll(copy, 'the UKI'))}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function _tool(name: string): string {
  const path = findTool(name);
  if (path === undefined) throw new NotFoundError(`${name} not found: install sbsigntool (Debian) to sign UKIs, or build without --secureboot-key`);
  return path;
}

function _run(tool: string, args: string[], what: string): void {
  const r = spawnSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new OutputError(`${tool}: cannot run: ${r.error.message}`);
  if (r.status !== 0) throw new OutputError(`cannot ${what}: ${tool.split('/').pop()} says: ${_last(r.stderr || r.stdout)}`);
}

function _last(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-2).join('; ') || 'no message';
}
