// `capture`: copy the part of /sys and /proc that detection reads, plus what it read from /dev as a
// blkid.tab, so detection can be rerun elsewhere (bug reports, building for another machine, tests):
//   detectHost(new FsHost({ root: '/', sysfs: `${outDir}/sys`, procfs: `${outDir}/proc` }))
// gives the same facts as on the captured machine. The copy is built beside outDir and renamed
// into place, so an interrupted capture leaves nothing half-written under that name.
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { fsError, OutputError } from '../errors.js';
import type { Host } from '../host/host.js';
import { devNodeName, stackNodes } from './block-stack.js';
import { CaptureReplay, type ReplayCounts } from './capture-replay.js';
import { detectHost } from './detect-host.js';
import type { HostFacts } from './host-facts.js';
import { formatBlkidLine } from './identity/blkid-tab.js';
import { CAPTURED_BLKID_TAB } from './identity/block-identity.js';
import { RecordingHost } from './recording-host.js';

export interface CaptureResult extends ReplayCounts {
  facts: HostFacts;
  outDir: string;
}

export function captureHost(host: Host, outDir: string): CaptureResult {
  _refuseNonEmpty(outDir);
  const recorder = new RecordingHost(host);
  const facts = detectHost(recorder);

  const staging = _mkStaging(outDir);
  try {
    const replay = new CaptureReplay(host, staging);
    replay.replay(recorder.observations);
    _writeBlkidTab(staging, facts);
    fs.renameSync(staging, outDir); // rename(2) replaces an empty directory
    return { facts, outDir, ...replay.counts };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw fsError(err, outDir, 'write');
  }
}

/** What the capture keeps of /dev: one blkid.tab line per block device under / and /usr. */
function _blkidTabOf(facts: HostFacts): string {
  const lines = new Map<string, string>();
  for (const mounted of [facts.root, facts.usr]) {
    if (mounted?.device === undefined) continue;
    for (const node of stackNodes(mounted.device))
      lines.set(node.majMin, formatBlkidLine(`/dev/${devNodeName(node.name)}`, node.majMin, node.identity));
  }
  return [...lines.values()].map((line) => `${line}\n`).join('');
}

function _writeBlkidTab(staging: string, facts: HostFacts): void {
  const file = join(staging, CAPTURED_BLKID_TAB);
  fs.mkdirSync(dirname(file), { recursive: true });
  fs.writeFileSync(file, _blkidTabOf(facts));
}

function _refuseNonEmpty(outDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fsError(err, outDir);
  }
  if (names.length > 0) throw new OutputError(`${outDir}: exists and is not empty (choose a new directory for the capture)`, outDir);
}

function _mkStaging(outDir: string): string {
  try {
    return fs.mkdtempSync(`${outDir}.partial-`);
  } catch (err) {
    throw fsError(err, outDir, 'write');
  }
}
