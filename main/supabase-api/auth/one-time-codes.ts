import { createHash, randomInt } from 'node:crypto';

import { AuthError } from './auth-error.js';
import type { AuthDeps } from './auth-types.js';
import { allowedRedirect } from './redirect-urls.js';
import type { UserRow } from './user-json.js';

/** GoTrue's token hash: hex(SHA-224(email + otp)). */
export function tokenHash(email: string, otp: string): string {
  return createHash('sha224')
    .update(email.toLowerCase() + otp)
    .digest('hex');
}

/** A numeric code of `length` digits (`[auth.email] otp_length`, 6 to 10). */
export function newOtp(length = 6): string {
  const digits = Math.min(10, Math.max(6, Math.floor(length)));
  let out = '';
  for (let i = 0; i < digits; i++) out += String(randomInt(0, 10));
  return out;
}

/** What a link-and-code e-mail is for. */
export type LinkType = 'signup' | 'magiclink' | 'recovery';

/**
 * 429 over_email_send_rate_limit when a mail of this kind went to the user less than `[auth.email]
 * max_frequency` ago (GoTrue's `validateSentWithinFrequencyLimit`), or when the server's e-mail budget
 * (`[auth.rate_limit] email_sent`) is spent.
 */
export function checkCanMail(deps: AuthDeps, user: UserRow, type: LinkType): void {
  const sentAt = type === 'signup' ? user.confirmation_sent_at : user.recovery_sent_at;
  const frequencyMs = deps.config.email.maxFrequency * 1000;
  if (sentAt && sentAt.getTime() + frequencyMs > Date.now()) {
    const left = Math.trunc((sentAt.getTime() + frequencyMs - Date.now()) / 1000);
    throw new AuthError(
      429,
      'over_email_send_rate_limit',
      `For security purposes, you can only request this after ${left} seconds.`,
    );
  }
  deps.limits.checkEmail();
}

/**
 * Stores a new code for a user (as the confirmation token for sign-up, else the recovery token) and
 * returns what a mail or generate_link needs.
 */
export async function issueCode(
  deps: AuthDeps,
  user: UserRow,
  type: LinkType,
  redirectTo: string | null | undefined,
): Promise<{ otp: string; hash: string; link: string; redirect: string }> {
  const email = user.email ?? '';
  const otp = newOtp(deps.config.email.otpLength);
  const hash = tokenHash(email, otp);
  await deps.users.update(user.id, type === 'signup' ? { confirmationToken: hash } : { recoveryToken: hash });
  deps.attempts.reset(user.id);
  const redirect = allowedRedirect(deps.redirects, redirectTo);
  const link = `${deps.externalUrl}/auth/v1/verify?token=${hash}&type=${type}&redirect_to=${encodeURIComponent(redirect)}`;
  return { otp, hash, link, redirect };
}

/** Sends the e-mail of a code to the mailbox. */
export function mailCode(
  deps: AuthDeps,
  to: string,
  type: LinkType,
  code: { otp: string; link: string },
): void {
  const subject =
    type === 'signup'
      ? 'Confirm Your Signup'
      : type === 'recovery'
        ? 'Reset Your Password'
        : 'Your Magic Link';
  const action = type === 'recovery' ? 'reset your password' : 'log in';
  const text = `Follow this link to ${action}:\n${code.link}\n\nAlternatively, enter the code: ${code.otp}\n`;
  const html = `<h2>${subject}</h2><p>Follow this link to ${action}:</p><p><a href="${code.link}">${action}</a></p><p>Alternatively, enter the code: ${code.otp}</p>`;
  deps.mail.add({ to, subject, text, html, links: [code.link], otp: code.otp });
}

function expired(deps: AuthDeps, sentAt: Date | null): boolean {
  return !sentAt || Date.now() - sentAt.getTime() > deps.config.email.otpExpiry * 1000;
}

function checkNotBanned(user: UserRow): void {
  if (user.banned_until && user.banned_until.getTime() > Date.now()) {
    throw new AuthError(403, 'user_banned', 'User is banned');
  }
}

/**
 * A wrong code typed for `email`: counted against the user's current code, which is cleared once it has
 * taken OTP_MAX_FAILURES wrong guesses (the next right guess then finds no code either).
 */
async function countFailure(deps: AuthDeps, email: string): Promise<void> {
  const user = await deps.users.byEmail(email);
  if (!user) return;
  const current = [user.confirmation_token ?? '', user.recovery_token ?? ''];
  if (current.every((t) => t === '')) return;
  if (deps.attempts.fail(user.id, current.join(':'))) {
    await deps.users.update(user.id, { clearTokens: true });
  }
}

/**
 * The user a code or token hash belongs to, if it is current (`[auth.email] otp_expiry`); 403 otp_expired
 * otherwise, and 403 user_banned for a banned user. Using it confirms the e-mail and clears the codes.
 */
export async function consumeCode(
  deps: AuthDeps,
  hash: string,
  email: string | null,
  expiredMessage: string,
): Promise<UserRow> {
  const found = await deps.users.byTokenHash(hash, email);
  const sentAt = found
    ? found.kind === 'confirmation'
      ? found.user.confirmation_sent_at
      : found.user.recovery_sent_at
    : null;
  if (!found || expired(deps, sentAt)) {
    if (email !== null) await countFailure(deps, email);
    throw new AuthError(403, 'otp_expired', expiredMessage);
  }
  checkNotBanned(found.user);
  deps.attempts.reset(found.user.id);
  return deps.users.update(found.user.id, { confirm: true, clearTokens: true });
}
