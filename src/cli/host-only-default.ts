// Host-only or generic when neither a flag nor the configuration says. Host-only detection reads the
// live /sys and /proc, so it describes the system this process runs on: it fits any kernel version
// built for that system's own root (the detector maps its devices through the target kernel's
// aliases), and a captured sysfs. It does not fit another root (--sysroot elsewhere) nor a chroot,
// whose /sys is the outer host's. The decision is a pure function of facts probed at the edge.
import { readFileSync, statSync } from 'node:fs';

export interface HostRootFacts {
  /** --sysroot as given. */
  sysroot: string;
  /** --sysroot is this process's "/" (same device and inode). */
  sysrootIsSlash: boolean;
  /** "/" compared with PID 1's root: the same ('host'), another ('chroot'), or no /proc to tell ('no-proc'). */
  slash: 'host' | 'chroot' | 'no-proc';
  /** --sysfs was given (a capture stands in for the live /sys). */
  capture: boolean;
}

export interface ModeDecision {
  hostonly: boolean;
  /** One line for the user when the default is generic: why, and how to choose otherwise. */
  why?: string;
}

export function defaultHostOnly(f: HostRootFacts): ModeDecision {
  if (f.capture) return { hostonly: true };
  if (!f.sysrootIsSlash)
    return { hostonly: false, why: `generic image: --sysroot ${f.sysroot} is not the running system, which host-only detection reads (-H with --sysfs/--procfs captures of that system to build host-only)` };
  if (f.slash === 'chroot')
    return { hostonly: false, why: "generic image: running in a chroot (/ is not PID 1's root), so /sys describes another system (-H to build host-only anyway)" };
  if (f.slash === 'no-proc') return { hostonly: false, why: 'generic image: /proc is not mounted, so this system cannot be detected (-H after mounting /proc and /sys)' };
  return { hostonly: true };
}

/** The facts defaultHostOnly needs, read from the live system. */
export function probeHostRoot(sysroot: string, capture: boolean, proc = '/proc'): HostRootFacts {
  const slash = _id('/');
  return { sysroot, sysrootIsSlash: slash !== undefined && _id(sysroot) === slash, slash: _slashKind(slash, proc), capture };
}

/**
 * As systemd-detect-virt --chroot: "/" is PID 1's root unless PID 1's root is another directory.
 * Where /proc/1/root may not be followed (no ptrace right over PID 1, as in some containers even for
 * root) or PID 1 is hidden (hidepid=), the mount table says it: a chroot into a directory sees no
 * mount at "/" in /proc/self/mountinfo (mount points are shown relative to the process's root, and
 * those outside it not at all). Without /proc nothing can be detected.
 */
function _slashKind(slash: string | undefined, proc: string): HostRootFacts['slash'] {
  try {
    return _idOrThrow(`${proc}/1/root`) === slash ? 'host' : 'chroot';
  } catch {
    let mountinfo: string;
    try {
      mountinfo = readFileSync(`${proc}/self/mountinfo`, 'utf8');
    } catch {
      return 'no-proc';
    }
    // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the fifth field is the mount point
    return mountinfo.split('\n').some((line) => line.split(' ')[4] === '/') ? 'host' : 'chroot';
  }
}

function _id(path: string): string | undefined {
  try {
    return _idOrThrow(path);
  } catch {
    return undefined;
  }
}

function _idOrThrow(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.dev}:${s.ino}`;
}
