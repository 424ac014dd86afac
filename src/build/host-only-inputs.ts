// Host-only: what the detector found on this host, as plan inputs (drivers with reasons, features,
// the embedded root= default, and the record of what the image was built for).
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { ModuleRequest, ModuleSource } from './module-source.js';

export interface HostOnlyInputs {
  modules: ModuleRequest[];
  features: string[];
  cmdline: string;
  files: { path: string; content: string; why: string }[];
}

export function hostOnlyInputs(_host: Host, _modules: ModuleSource): HostOnlyInputs {
  throw new DetectError('host-only images are not available yet: build a generic image with -N/--no-hostonly');
}
