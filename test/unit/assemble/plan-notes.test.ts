// The plan's notes: merged by subject and text, sorted, printed by --dry-run (text and JSON) and by
// explain (the whole plan, and a query that names a built-in or missing module).
import { describe, expect, it } from 'vitest';
import { explainPlan, findNotes } from '../../../src/assemble/explain-plan.js';
import { formatNote, formatPlan, planToJson } from '../../../src/assemble/format-plan.js';
import { PlanBuilder } from '../../../src/assemble/plan-builder.js';

const K = '6.1.0-57-cloud-amd64';

function plan() {
  const b = new PlanBuilder(K);
  b.add({ type: 'file', path: '/init', mode: 0o755, content: '#!/bin/sh\n', reasons: [{ why: 'feature base' }] });
  b.note({ subject: 'usbhid', text: `not in kernel ${K}: skipped`, reasons: ['feature kernel-modules (default)'] });
  b.note({ subject: '=drivers/nvme/host', text: `built into kernel ${K} (nvme_core, nvme)`, reasons: ['feature kernel-modules (default)'] });
  b.note({ subject: 'dm_mod', text: `built into kernel ${K}`, reasons: ['feature kernel-modules (default)'] });
  b.note({ subject: 'dm_mod', text: `built into kernel ${K}`, reasons: ['feature lvm (detected)', 'feature kernel-modules (default)'] });
  return b.build();
}

describe('PlanBuilder.note', () => {
  it('merges notes of one subject and text (reasons unioned in order) and sorts them in byte order', () => {
    expect(plan().notes).toEqual([
      { subject: '=drivers/nvme/host', text: `built into kernel ${K} (nvme_core, nvme)`, reasons: ['feature kernel-modules (default)'] },
      { subject: 'dm_mod', text: `built into kernel ${K}`, reasons: ['feature kernel-modules (default)', 'feature lvm (detected)'] },
      { subject: 'usbhid', text: `not in kernel ${K}: skipped`, reasons: ['feature kernel-modules (default)'] },
    ]);
  });

  it('the built plan does not change when the builder gets more notes', () => {
    const b = new PlanBuilder(K);
    b.note({ subject: 'a', text: 't', reasons: ['r1'] });
    const p = b.build();
    b.note({ subject: 'a', text: 't', reasons: ['r2'] });
    expect(p.notes).toEqual([{ subject: 'a', text: 't', reasons: ['r1'] }]);
  });
});

describe('printing notes', () => {
  it('--dry-run lists them after the entries, one "# note:" line each', () => {
    const lines = formatPlan(plan()).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^file {5}\/init {4}# feature base$/);
    expect(lines.slice(1)).toEqual([
      `# note: =drivers/nvme/host: built into kernel ${K} (nvme_core, nvme) ← feature kernel-modules (default)`,
      `# note: dm_mod: built into kernel ${K} ← feature kernel-modules (default); feature lvm (detected)`,
      `# note: usbhid: not in kernel ${K}: skipped ← feature kernel-modules (default)`,
    ]);
  });

  it('--dry-run --json carries them', () => {
    expect(planToJson(plan())['notes']).toEqual(plan().notes);
  });

  it('explain of the whole plan ends with them', () => {
    const text = explainPlan(plan());
    expect(text.trimEnd().split('\n').slice(-4)).toEqual([
      'notes: asked for, not in the image as a file (3)',
      ...plan().notes.map((n) => `  ${formatNote(n)}`),
    ]);
  });

  it('explain QUERY finds a note by subject, by module name with dashes, and by a built-in module a group note lists', () => {
    const p = plan();
    expect(findNotes(p, 'usbhid').map((n) => n.subject)).toEqual(['usbhid']);
    expect(findNotes(p, 'dm-mod').map((n) => n.subject)).toEqual(['dm_mod']);
    expect(findNotes(p, 'nvme').map((n) => n.subject)).toEqual(['=drivers/nvme/host']);
    expect(findNotes(p, 'nvme-core').map((n) => n.subject)).toEqual(['=drivers/nvme/host']);
    expect(findNotes(p, 'ahci')).toEqual([]);
  });
});
