import { AuthError, validationFailed } from './auth-error.js';

/**
 * GoTrue's e-mail check (`checkmail.ValidateFormat` of badoux/checkmail): ASCII local part of the RFC 5322
 * atom characters, and a host of dot-separated DNS labels. No quoted local parts, no `[127.0.0.1]` literals,
 * no spaces, angle brackets or bidirectional-override characters.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** bcrypt reads 72 bytes of a password and ignores the rest (GoTrue's MaxPasswordLength). */
export const MAX_PASSWORD_BYTES = 72;

/** Deepest nesting of a request body: deeper JSON would overflow JSON.stringify and Postgres's parser. */
export const MAX_BODY_DEPTH = 512;

/** The lower-cased e-mail, or GoTrue's 400 validation_failed (`validateEmail` in internal/api/mail.go). */
export function checkEmail(email: string): string {
  if (email === '') throw validationFailed('An email address is required');
  if (email.length > 255) throw validationFailed('An email address is too long');
  if (!EMAIL.test(email)) throw validationFailed('Unable to validate email address: invalid format');
  return email.toLowerCase();
}

/**
 * GoTrue's password rules (`checkPasswordStrength`): over 72 bytes is 400 validation_failed (bcrypt would
 * ignore the rest, so another password with the same first 72 bytes would sign in), under the minimum
 * length (in bytes, as Go's len) is 422 weak_password.
 */
export function checkPassword(password: string, minLength: number): void {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw validationFailed(`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  if (bytes < minLength) {
    throw new AuthError(422, 'weak_password', `Password should be at least ${minLength} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  }
}

/** True when a password could never have been stored (so it cannot match): bcrypt would truncate it. */
export function unstorablePassword(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES || password.includes('\0');
}

/**
 * 400 when a request body nests deeper than MAX_BODY_DEPTH or holds a NUL character (Postgres text cannot
 * store one): both would otherwise fail deep in the server as a 500. Scans the raw text, without recursion.
 */
export function checkBodyText(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        // \u0000 escapes a NUL inside a string.
        if (text.startsWith('u0000', i + 1)) throw nulRefused();
        i++;
      } else if (c === 0x22) inString = false;
      else if (c === 0) throw nulRefused();
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_BODY_DEPTH) {
        throw new AuthError(
          400,
          'bad_json',
          `Could not parse request body as JSON: nested deeper than ${MAX_BODY_DEPTH} levels`,
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0) throw nulRefused();
  }
}

/** 400 when a query parameter or form value holds a NUL character. */
export function checkQuery(query: URLSearchParams): void {
  for (const [key, value] of query) if (key.includes('\0') || value.includes('\0')) throw nulRefused();
}

function nulRefused(): AuthError {
  return validationFailed('Request contains a NUL character, which is not allowed');
}
