import { describe, expect, it } from 'vitest';
import { expandSearchPath, expandTokens } from '../../../src/elf/search-path-tokens.js';

const values = { origin: '/opt/app/bin', platform: 'x86_64', lib: 'lib/x86_64-linux-gnu' };

describe('expandTokens', () => {
  it('expands bare and braced $ORIGIN, $PLATFORM and $LIB', () => {
    expect(expandTokens('$ORIGIN/../lib', values)).toBe('/opt/app/bin/../lib');
    expect(expandTokens('${ORIGIN}x/$LIB/${PLATFORM}', values)).toBe('/opt/app/binx/lib/x86_64-linux-gnu/x86_64');
  });
  it('keeps unknown tokens and a token followed by a name character literal', () => {
    expect(expandTokens('/a/$ORIGINAL/$HOME', values)).toBe('/a/$ORIGINAL/$HOME');
  });
  it('drops an element whose token has no value', () => {
    expect(expandTokens('/p/$PLATFORM', { ...values, platform: undefined })).toBeUndefined();
  });
});

describe('expandSearchPath', () => {
  it('splits, normalises, drops empty and valueless elements, deduplicates in order', () => {
    const list = '$ORIGIN/../lib::/usr/lib/:/p/$PLATFORM:/opt/app/lib:rel/dir';
    expect(expandSearchPath(list, { ...values, platform: undefined })).toEqual(['/opt/app/lib', '/usr/lib', '/rel/dir']);
  });
});
