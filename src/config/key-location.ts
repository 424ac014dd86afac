// Where a top-level key is written in a TOML text, so a problem can be reported as file:line. The
// parser gives values, not positions; a key is found by its `key =`, `key.sub =` or `[key]` line.

/** 1-based line of the first line that defines `key` at the top level; undefined when not found. */
export function findKeyLine(text: string, key: string): number | undefined {
  const name = `(?:${_escape(key)}|"${_escape(key)}"|'${_escape(key)}')`;
  const assignment = new RegExp(`^\\s*${name}\\s*[=.]`);
  const table = new RegExp(`^\\s*\\[\\[?\\s*${name}\\s*[\\].]`);
  const lines = text.split(/\r?\n/);
  let inTable = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (table.test(line)) return i + 1;
    // after the first [table] header, bare assignments belong to that table, not the top level
    if (/^\s*\[/.test(line)) inTable = true;
    else if (!inTable && assignment.test(line)) return i + 1;
  }
  return undefined;
}

function _escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
