import { createHash, randomInt } from 'node:crypto';

import { AuthError } from './auth-error.js';
import type { AuthDeps } from './auth-types.js';
import type { UserRow } from './user-json.js';

/** How long an e-mailed code or link stays valid (`GOTRUE_MAILER_OTP_EXP` of the local CLI). */
export const OTP_TTL_S = 3600;

/** GoTrue's token hash: hex(SHA-224(email + otp)). */
export function tokenHash(email: string, otp: string): string {
  return createHash('sha224')
    .update(email.toLowerCase() + otp)
    .digest('hex');
}

/** A six-digit code. */
export function newOtp(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The redirect target: `redirect_to` when it is a local or site URL, else the site URL. */
export function allowedRedirect(deps: AuthDeps, redirectTo: string | null | undefined): string {
  if (!redirectTo) return deps.siteUrl;
  try {
    const url = new URL(redirectTo);
    const site = new URL(deps.siteUrl);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && (local || url.host === site.host))
      return redirectTo;
  } catch {
    // not a URL: fall back to the site URL
  }
  return deps.siteUrl;
}

/** What a link-and-code e-mail is for. */
export type LinkType = 'signup' | 'magiclink' | 'recovery';

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
  const otp = newOtp();
  const hash = tokenHash(email, otp);
  await deps.users.update(user.id, type === 'signup' ? { confirmationToken: hash } : { recoveryToken: hash });
  const redirect = allowedRedirect(deps, redirectTo);
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

/** The user a code or token hash belongs to, if it is current; 403 otp_expired otherwise. */
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
  if (!found || !sentAt || Date.now() - sentAt.getTime() > OTP_TTL_S * 1000) {
    throw new AuthError(403, 'otp_expired', expiredMessage);
  }
  return deps.users.update(found.user.id, { confirm: true, clearTokens: true });
}
