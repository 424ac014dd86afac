// Text from an image (entry names, link targets, module names) reaches the terminal through ls,
// verify, diff, extract and error messages: control characters and terminal escapes are shown as
// visible escapes (\x1b, \n, \t, \u202e) so that a hostile name can neither forge a line nor drive the terminal.

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// C0 controls, DEL, C1 controls, and the Unicode line separators and bidirectional overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character replaced by a visible escape; printable text is unchanged. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? _hex(c.charCodeAt(0)));
}

function _hex(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
