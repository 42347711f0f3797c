import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';

import { SUPABASE_DIR } from '../../stack/project-paths.js';
import { CLI_DEFAULTS, parseDuration, readAuthSection } from './auth-section.js';
import { readProjectConfig } from './project-config.js';

describe('[auth] of config.toml', () => {
  it('takes the Supabase CLI defaults when the tables are missing', () => {
    const a = readAuthSection({}, {});
    expect(a.siteUrl).toBe('http://127.0.0.1:3000');
    expect(a.rateLimit).toEqual(CLI_DEFAULTS.rateLimit);
    expect(a.email).toEqual({
      enableSignup: true,
      enableConfirmations: false,
      otpLength: 6,
      otpExpiry: 3600,
      maxFrequency: 1,
      smtpEnabled: false,
    });
    expect(a.external).toEqual({});
  });

  it('reads the CLI keys, durations and external providers with env() secrets', () => {
    const toml = parse(`
[auth]
site_url = "http://127.0.0.1:5433"
additional_redirect_urls = ["https://127.0.0.1:3000", "env(EXTRA_REDIRECT)"]
jwt_expiry = 600
minimum_password_length = 8
[auth.email]
otp_expiry = 120
max_frequency = "1m30s"
[auth.email.smtp]
enabled = true
[auth.rate_limit]
email_sent = 5
token_verifications = 12
[auth.external.google]
enabled = true
client_id = "cid"
secret = "env(SUPABASE_AUTH_EXTERNAL_GOOGLE_SECRET)"
url = "http://127.0.0.1:7000"
[auth.external.GitHub]
enabled = false
secret = "env(UNSET_SECRET)"
`);
    const a = readAuthSection(toml, {
      SUPABASE_AUTH_EXTERNAL_GOOGLE_SECRET: 's3cret',
      EXTRA_REDIRECT: 'http://localhost:5173/**',
    });
    expect(a.siteUrl).toBe('http://127.0.0.1:5433');
    expect(a.additionalRedirectUrls).toEqual(['https://127.0.0.1:3000', 'http://localhost:5173/**']);
    expect([a.jwtExpiry, a.minimumPasswordLength]).toEqual([600, 8]);
    expect([a.email.otpExpiry, a.email.maxFrequency, a.email.smtpEnabled]).toEqual([120, 90, true]);
    expect(a.rateLimit).toEqual({ ...CLI_DEFAULTS.rateLimit, emailSent: 5, tokenVerifications: 12 });
    expect(a.external.google).toEqual({
      name: 'google',
      enabled: true,
      clientId: 'cid',
      secret: 's3cret',
      redirectUri: '',
      url: 'http://127.0.0.1:7000',
      skipNonceCheck: false,
      emailOptional: false,
    });
    expect(a.external.github?.secret).toBe('');
  });

  it("the project's supabase/config.toml carries the CLI's limits and a disabled Google provider", () => {
    const a = readAuthSection(readProjectConfig(SUPABASE_DIR), {});
    expect(a.rateLimit).toEqual(CLI_DEFAULTS.rateLimit);
    expect([a.email.otpExpiry, a.email.maxFrequency, a.email.otpLength]).toEqual([3600, 1, 6]);
    expect(a.external.google).toMatchObject({ enabled: false, secret: '' });
  });

  it('parses Go durations', () => {
    expect(parseDuration('1s')).toBe(1);
    expect(parseDuration('2h45m')).toBe(9900);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration(60)).toBe(60);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(() => readAuthSection({ auth: { email: { max_frequency: 'soon' } } }, {})).toThrow(
      /^config.toml \[auth.email\] max_frequency: "soon" is not a duration/,
    );
  });
});
