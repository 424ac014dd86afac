// One reason an image would not boot, found without booting it.
import { escapeControl } from '../../escape-control.js';
export interface Problem {
  /** The path in the image it concerns ("/init", "/usr/bin/mount"), when there is one. */
  path?: string;
  /** One line: what is wrong and how to fix it. */
  message: string;
}

export function problem(message: string, path?: string): Problem {
  return path === undefined ? { message } : { path, message };
}

/** "/usr/bin/x: message", or the message alone. */
export function formatProblem(p: Problem): string {
  return escapeControl(p.path === undefined ? p.message : `${p.path}: ${p.message}`);
}
