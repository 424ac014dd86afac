import type { Command } from '@commander-js/extra-typings';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, KernelDirError, MkError, UsageError, type ExitCodeValue } from '../../errors.js';
import { CLI_ENTRY } from '../../package-root.js';
import { createOutput, formatDuration, formatSize, paint } from '../output.js';

// Each kernel is built by a child process of this same program: a build is CPU-bound and synchronous
// in parts, so children are what makes two builds run at once, and a crash in one cannot stop another.
const ENTRY = CLI_ENTRY;

export function registerUpdate(program: Command): void {
  program
    .command('update')
    .description('rebuild /boot/initrd.img-KVER for the given or for every installed kernel, two at a time')
    .argument('[kver...]', 'kernel versions to rebuild')
    .option('--all', 'every installed kernel: /lib/modules/KVER with modules.dep and /boot/vmlinuz-KVER')
    .option('--sysroot <dir>', 'the root file system whose kernels to rebuild', '/')
    .option('-c, --conf <file>', 'read this configuration file instead of /etc/mkinitramfs-ts.conf')
    .option('--confdir <dir>', 'read *.conf from this directory instead of /etc/mkinitramfs-ts.conf.d')
    .option('-j, --jobs <n>', 'how many kernels to build at the same time', '2')
    .option('-n, --dry-run', 'list the kernels that would be rebuilt, build nothing')
    .option('-v, --verbose', "show each build's own messages")
    .option('-q, --quiet', 'print only failures')
    .action(async (kvers, opts) => {
      const out = createOutput(opts);
      if (opts.all && kvers.length) throw new UsageError('give kernel versions or --all, not both');
      const jobs = Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs ${opts.jobs}: must be a whole number from 1 to 64`);
      if (!existsSync(opts.sysroot)) throw new UsageError(`--sysroot ${opts.sysroot}: no such directory`);
      const targets = opts.all ? installedKernels(opts.sysroot) : [...new Set(kvers)];
      if (!opts.all && targets.length === 0) throw new UsageError('name the kernel versions to rebuild, or use --all');
      if (targets.length === 0)
        throw new KernelDirError(`no installed kernel in ${opts.sysroot}: --all needs /lib/modules/KVER/modules.dep and /boot/vmlinuz-KVER`);
      if (opts.dryRun) {
        for (const kver of targets) process.stdout.write(`${kver}\t${_imagePath(opts.sysroot, kver)}\n`);
        return;
      }
      const results = await runPool(targets, jobs, async (kver) => {
        const result = await buildKernel(kver, opts);
        const label = `${kver}:`;
        if (result.ok) {
          if (opts.verbose) for (const l of result.messages) out.detail(`[${kver}] ${l}`);
          else for (const l of result.messages) if (l.startsWith('warning: ')) out.warn(`[${kver}] ${l.slice('warning: '.length)}`);
          out.info(`${label} ${paint('green', 'ok', out.color)} ${result.output} (${formatSize(result.size)}, ${formatDuration(result.ms)})`);
        } else {
          for (const l of result.messages) out.error(`[${kver}] ${l}`);
          out.error(`${label} ${paint('red', 'FAILED', out.color)} (exit ${result.exitCode}) after ${formatDuration(result.ms)}; ${result.output} was left as it was`);
        }
        return result;
      });
      out.close();
      const failed = results.filter((r) => !r.ok);
      if (failed.length === 0) return;
      const code = failed[0]?.exitCode ?? ExitCode.internal;
      throw new MkError(
        `${failed.length} of ${results.length} kernels failed (${failed.map((r) => r.kver).join(', ')}): fix the errors above and run update again`,
        (code >= 1 && code <= 255 ? code : ExitCode.internal) as ExitCodeValue,
      );
    });
}

export interface KernelResult {
  kver: string;
  ok: boolean;
  exitCode: number;
  output: string;
  size: number;
  ms: number;
  /** The build's own stderr lines, without the program-name prefix. */
  messages: string[];
}

export interface UpdateBuildFlags {
  sysroot: string;
  conf?: string;
  confdir?: string;
  verbose?: boolean;
}

/** Kernels with /lib/modules/KVER/modules.dep (or /usr/lib/modules) and /boot/vmlinuz-KVER, in version order. */
export function installedKernels(sysroot: string): string[] {
  const found = new Set<string>();
  for (const base of ['lib/modules', 'usr/lib/modules']) {
    const dir = join(sysroot, base);
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const kver of names) {
      if (existsSync(join(dir, kver, 'modules.dep')) && existsSync(join(sysroot, 'boot', `vmlinuz-${kver}`))) found.add(kver);
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Run `work` over `items`, at most `jobs` at a time; results in the order of `items`. */
export async function runPool<T, R>(items: readonly T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

/** Build one kernel's image in a child process; never throws for a failed build. */
export function buildKernel(kver: string, flags: UpdateBuildFlags, entry: string = ENTRY): Promise<KernelResult> {
  const output = _imagePath(flags.sysroot, kver);
  // each kernel gets build's own default (host-only on the machine itself, running kernel or not) and,
  // as in the kernel hooks, a failed host-only build is retried generic with a warning
  // --no-uki: /boot/initrd.img-KVER is where boot loaders expect a bare initramfs, whatever the configuration says
  const args = [entry, 'build', '--force', '--fallback-generic', '--kver', kver, '--sysroot', flags.sysroot, '--output', output, '--no-uki'];
  if (flags.conf !== undefined) args.push('--conf', flags.conf);
  if (flags.confdir !== undefined) args.push('--confdir', flags.confdir);
  if (flags.verbose) args.push('--verbose');
  const started = Date.now();
  return new Promise((resolve) => {
    // no TLS here, so spare each child Node's start-up parse of extra CA certificates
    const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' } });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const finish = (exitCode: number): void => {
      const messages = Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => l.replace(/^mkinitramfs-ts: /, ''));
      const ok = exitCode === 0;
      const size = ok ? (statSync(output, { throwIfNoEntry: false })?.size ?? 0) : 0;
      resolve({ kver, ok, exitCode, output, size, ms: Date.now() - started, messages });
    };
    child.on('error', (err) => {
      chunks.push(Buffer.from(`cannot run ${process.execPath}: ${err.message}\n`));
      finish(1);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 + _signalNumber(signal) : 1)));
  });
}

function _imagePath(sysroot: string, kver: string): string {
  return join(sysroot, 'boot', `initrd.img-${kver}`);
}

function _signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGABRT: 6 } as Record<string, number>)[signal] ?? 0;
}
