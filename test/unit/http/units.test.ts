import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAccess, readBearer, readCookie } from '../../../main/http/access.js';
import { parseRequestTarget } from '../../../main/http/request-target.js';
import { resolveStaticPath } from '../../../main/http/static-files.js';
import { generateToken, isValidToken, tokensEqual } from '../../../main/http/token.js';

describe('tokens', () => {
  it('generates 32-character base64url tokens that differ', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(isValidToken(a)).toBe(true);
    expect(generateToken()).not.toBe(a);
  });

  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });
});

describe('request parsing', () => {
  it('never treats //host as an authority', () => {
    expect(parseRequestTarget('//evil.example/x?token=t').path).toBe('//evil.example/x');
    expect(parseRequestTarget('/api/runs/start?token=t').query.get('token')).toBe('t');
  });

  it('reads cookies and bearer tokens', () => {
    expect(readCookie('a=1; initscope_token=xyz; b=2', 'initscope_token')).toBe('xyz');
    expect(readCookie('xinitscope_token=xyz', 'initscope_token')).toBeUndefined();
    expect(readBearer('Bearer abc')).toBe('abc');
    expect(readBearer('bearer abc')).toBe('abc');
    expect(readBearer('Basic abc')).toBeUndefined();
  });

  it('checks Host before the token, and Origin only when asked', () => {
    const policy = { port: 1234, token: 'tok-0123456789abcdef' };
    const q = new URLSearchParams('token=tok-0123456789abcdef');
    expect(checkAccess(policy, { host: 'x:1234' }, q, false)).toMatchObject({ ok: false, denied: { status: 403 } });
    expect(checkAccess(policy, { host: '127.0.0.1:1234', origin: 'http://x' }, q, false)).toEqual({ ok: true, setCookie: true });
    expect(checkAccess(policy, { host: '127.0.0.1:1234', origin: 'http://x' }, q, true)).toMatchObject({ ok: false, denied: { status: 403 } });
    expect(checkAccess(policy, { host: 'localhost:1234' }, new URLSearchParams(), false)).toMatchObject({ ok: false, denied: { status: 401 } });
  });
});

describe('resolveStaticPath', () => {
  const root = path.resolve('/srv/renderer');
  it('maps paths inside the root and refuses the rest', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/a.js')).toBe(path.join(root, 'assets', 'a.js'));
    expect(resolveStaticPath(root, '/a/../b.js')).toBe(path.join(root, 'b.js'));
    expect(resolveStaticPath(root, '/..%2fx')).toBeUndefined();
    expect(resolveStaticPath(root, '/%2e%2e/x')).toBeUndefined();
    expect(resolveStaticPath(root, '/x%00')).toBeUndefined();
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeUndefined();
    expect(resolveStaticPath(root, '/..foo')).toBe(path.join(root, '..foo'));
  });
});
