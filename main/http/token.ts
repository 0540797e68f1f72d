import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Characters allowed in an access token: base64url plus `.` and `~`, safe in a URL, a header and a cookie. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,512}$/;

/** A fresh random access token for browser mode: 24 random bytes, base64url (32 characters). */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** True if `token` can be used as an access token (long enough, and safe to put in a cookie unescaped). */
export function isValidToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * Compares a presented token with the expected one in constant time. Both sides are hashed first, so
 * neither the content nor the length of the expected token leaks through timing.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
