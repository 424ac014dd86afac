// The order depmod gives the dependencies inside a modules.dep line: a topological sort of the
// module set (users before the modules they use), computed as depmod does — modules in
// modules.order order, each module's direct dependencies in the order its undefined symbols first
// name them, roots taken from a stack. The position in that sort ranks a line's dependencies.

export interface OrderInput {
  /** Module names in modules.order order. */
  readonly modules: readonly string[];
  /** Direct dependencies of each module, in first-use order (owners of its undefined symbols). */
  readonly directDeps: ReadonlyMap<string, readonly string[]>;
}

/** Each module's depmod sort index; modules in a dependency cycle are left out. */
export function depmodSortIndex(input: OrderInput): Map<string, number> {
  const idx = new Map(input.modules.map((m, i) => [m, i] as const));
  const users = input.modules.map(() => 0);
  for (const m of input.modules) for (const d of input.directDeps.get(m) ?? []) {
    const j = idx.get(d);
    if (j !== undefined) users[j] = (users[j] as number) + 1;
  }
  const roots: number[] = [];
  users.forEach((u, i) => {
    if (u === 0) roots.push(i);
  });
  const sorted = new Map<string, number>();
  while (roots.length > 0) {
    const src = input.modules[roots.pop() as number] as string;
    sorted.set(src, sorted.size);
    for (const d of input.directDeps.get(src) ?? []) {
      const j = idx.get(d);
      if (j === undefined) continue;
      users[j] = (users[j] as number) - 1;
      if (users[j] === 0) roots.push(j);
    }
  }
  return sorted;
}

/** Direct dependencies from undefined symbols and an export table (symbol → owning module). */
export function directDependencies(module: string, undefinedSymbols: readonly string[], owner: (symbol: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const sym of undefinedSymbols) {
    const o = owner(sym);
    if (o !== undefined && o !== module && !out.includes(o)) out.push(o);
  }
  return out;
}
