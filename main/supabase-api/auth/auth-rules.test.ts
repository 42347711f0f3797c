import { describe, expect, it } from 'vitest';

import { AuthError } from './auth-error.js';
import { checkBodyText, checkEmail, checkPassword, checkQuery, MAX_BODY_DEPTH } from './input-checks.js';
import { OtpAttempts } from './otp-attempts.js';
import { AuthLimiters, TokenBucket } from './rate-limits.js';
import { allowedRedirect, compileGlob, isRedirectAllowed, redirectPolicy } from './redirect-urls.js';

function failure(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError');
}

describe('rate limits (GoTrue token buckets)', () => {
  it('lets a burst through, then one request per refill interval, per client', () => {
    let now = 0;
    // token_verifications = 30 per 5 minutes: burst 30, then one every 10 s.
    const bucket = new TokenBucket(30 / 300, 30, () => now);
    const answered = Array.from({ length: 40 }, () => bucket.take('127.0.0.1')).filter(Boolean).length;
    expect(answered).toBe(30);
    expect(bucket.take('::1')).toBe(true);
    now += 9_900;
    expect(bucket.take('127.0.0.1')).toBe(false);
    now += 200;
    expect(bucket.take('127.0.0.1')).toBe(true);
    expect(bucket.take('127.0.0.1')).toBe(false);
    // Idle for 5 minutes: full again, never more than the burst.
    now += 3_600_000;
    expect(Array.from({ length: 40 }, () => bucket.take('127.0.0.1')).filter(Boolean).length).toBe(30);
  });

  it('answers GoTrue’s 429 bodies', () => {
    const limits = new AuthLimiters(
      {
        emailSent: 2,
        smsSent: 30,
        anonymousUsers: 30,
        tokenRefresh: 150,
        signInSignUps: 30,
        tokenVerifications: 30,
        web3: 30,
      },
      true,
      () => 0,
    );
    for (let i = 0; i < 30; i++) AuthLimiters.check(limits.verify, 'a');
    const limited = failure(() => AuthLimiters.check(limits.verify, 'a'));
    expect([limited.status, limited.body()]).toEqual([
      429,
      { code: 'over_request_rate_limit', message: 'Request rate limit reached' },
    ]);
    limits.checkEmail();
    limits.checkEmail();
    const mail = failure(() => limits.checkEmail());
    expect([mail.status, mail.body()]).toEqual([
      429,
      { code: 'over_email_send_rate_limit', message: 'Email rate limit exceeded' },
    ]);
  });

  it('caps wrong guesses per code; a new code starts over', () => {
    const attempts = new OtpAttempts(5);
    expect([1, 2, 3, 4].map(() => attempts.fail('u1', 'code-a'))).toEqual([false, false, false, false]);
    expect(attempts.fail('u1', 'code-a')).toBe(true);
    expect(attempts.fail('u1', 'code-b')).toBe(false);
    expect(attempts.fail('u2', 'code-a')).toBe(false);
  });
});

describe('input checks (GoTrue’s validateEmail and checkPasswordStrength)', () => {
  it('accepts ordinary addresses, lower-cased', () => {
    expect(checkEmail('Alice.Smith+flow@Example.COM')).toBe('alice.smith+flow@example.com');
    expect(checkEmail("o'neil@sub.example.io")).toBe("o'neil@sub.example.io");
  });

  it('refuses markup, bidirectional overrides, address literals and other malformed addresses', () => {
    for (const bad of [
      '<script>alert(1)</script>@x.io',
      'bob\u202E@x.io',
      'bob@\u202Ex.io',
      'bob@[127.0.0.1]',
      '"quoted"@x.io',
      'bob@x.io ',
      'bob@-x.io',
      'bob@x..io',
      'bob',
      'bob@',
      'bob@x_y.io',
      'bøb@x.io',
    ]) {
      const e = failure(() => checkEmail(bad));
      expect([e.status, e.code, e.message]).toEqual([
        400,
        'validation_failed',
        'Unable to validate email address: invalid format',
      ]);
    }
    expect(failure(() => checkEmail('')).message).toBe('An email address is required');
    expect(failure(() => checkEmail(`${'a'.repeat(251)}@x.io`)).message).toBe('An email address is too long');
  });

  it('refuses passwords over 72 bytes (bcrypt would ignore the rest) and short ones', () => {
    expect(() => checkPassword('a'.repeat(72), 6)).not.toThrow();
    const long = failure(() => checkPassword('a'.repeat(73), 6));
    expect([long.status, long.code, long.message]).toEqual([
      400,
      'validation_failed',
      'Password cannot be longer than 72 characters',
    ]);
    // 25 three-byte characters: 25 characters, 75 bytes.
    expect(failure(() => checkPassword('€'.repeat(25), 6)).code).toBe('validation_failed');
    const short = failure(() => checkPassword('12345', 6));
    expect([short.status, short.code, short.message, short.body().weak_password]).toEqual([
      422,
      'weak_password',
      'Password should be at least 6 characters.',
      { reasons: ['length'] },
    ]);
  });

  it('refuses NUL characters and deep nesting in bodies and queries with a 400', () => {
    expect(() => checkBodyText('{"data":{"a":[1,2,{"b":"x\\\\u0000"}]}}')).not.toThrow();
    for (const body of ['{"password":"a\\u0000b"}', '{"a\u0000":1}', '{"data":{"k\\u0000":"v"}}']) {
      const e = failure(() => checkBodyText(body));
      expect([e.status, e.code]).toEqual([400, 'validation_failed']);
    }
    const nested = (n: number): string => '{"data":'.repeat(n) + '1' + '}'.repeat(n);
    expect(() => checkBodyText(nested(MAX_BODY_DEPTH))).not.toThrow();
    expect(failure(() => checkBodyText(nested(MAX_BODY_DEPTH + 1))).status).toBe(400);
    expect(() => checkBodyText('{"data":"' + '['.repeat(10_000) + '"}')).not.toThrow();
    expect(failure(() => checkQuery(new URLSearchParams('redirect_to=%00'))).status).toBe(400);
  });
});

describe('redirect_to (GoTrue’s IsRedirectURLValid, globs included)', () => {
  const policy = redirectPolicy('http://127.0.0.1:3000', [
    'https://127.0.0.1:3000',
    'http://localhost:5173/**',
    'https://*.example.com/auth/*',
    'com.example.app://callback',
    'https://app.{staging,prod}.example.org/?',
  ]);

  it('accepts the site URL (scheme, host and port) and the allow list', () => {
    for (const ok of [
      'http://127.0.0.1:3000',
      'http://127.0.0.1:3000/welcome?x=1#frag',
      'https://127.0.0.1:3000',
      'http://localhost:5173/',
      'http://localhost:5173/a/b.c/d',
      'https://tenant.example.com/auth/callback',
      'com.example.app://callback',
      'https://app.prod.example.org/x',
    ]) {
      expect(isRedirectAllowed(policy, ok), ok).toBe(true);
    }
  });

  it('refuses other loopback ports, other hosts, globs that do not span separators, and tricks', () => {
    for (const bad of [
      'http://127.0.0.1:9999/steal',
      'http://localhost:3000/',
      'http://[::1]:3000/',
      'http://localhost:5174/',
      'https://a.b.example.com/auth/callback',
      'https://tenant.example.com/auth/deep/path',
      'https://app.dev.example.org/x',
      'http://2130706433:3000/',
      'http://10.0.0.1:3000/',
      'http://127.0.0.1:3000@evil.example/',
      ' http://127.0.0.1:3000',
      'http://127.0.0.1:3000/\tx',
      'javascript:alert(1)',
      'https://evil.example/#http://localhost:5173/',
      '',
    ]) {
      expect(isRedirectAllowed(policy, bad), bad).toBe(false);
    }
    expect(allowedRedirect(policy, 'http://127.0.0.1:9999/')).toBe('http://127.0.0.1:3000');
    expect(allowedRedirect(policy, null)).toBe('http://127.0.0.1:3000');
  });

  it('compiles gobwas globs with . and / as separators', () => {
    expect(compileGlob('http://*.x.io/*').test('http://a.x.io/b')).toBe(true);
    expect(compileGlob('http://*.x.io/*').test('http://a.b.x.io/b')).toBe(false);
    expect(compileGlob('http://x.io/**').test('http://x.io/a/b.c')).toBe(true);
    expect(compileGlob('http://x.io/[ab]?').test('http://x.io/bz')).toBe(true);
    expect(compileGlob('http://x.io/[!ab]').test('http://x.io/a')).toBe(false);
    expect(compileGlob('http://x.io/\\*').test('http://x.io/*')).toBe(true);
    expect(compileGlob('http://x.io/\\*').test('http://x.io/a')).toBe(false);
  });
});
