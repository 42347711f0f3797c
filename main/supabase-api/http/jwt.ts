import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** Why a JWT was refused, in PostgREST's words: a decode failure or a claim (exp, nbf, iat) refused. */
export class JwtError extends Error {
  constructor(
    message: string,
    readonly kind: 'decode' | 'claims',
  ) {
    super(message);
  }
}

/** Verified tokens remembered; clients resend the same token on every request. */
const CACHE_SIZE = 1000;

/** How far past `exp` a token is still accepted, as jose's clockTolerance below. */
const CLOCK_TOLERANCE_S = 30;

/**
 * Verifies and signs the stack's HS256 JWTs. A verified token's claims are remembered (least recently
 * used dropped first) and served until the token expires, so a client that sends the same token on every
 * request pays for the signature check once.
 */
export class JwtCodec {
  private readonly key: Uint8Array;
  private readonly cache = new Map<string, JWTPayload>();

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** The verified claims of a token; throws JwtError with PostgREST's message when it is not valid. */
  async verify(token: string): Promise<JWTPayload> {
    const cached = this.cache.get(token);
    if (cached) {
      this.cache.delete(token);
      if (typeof cached.exp !== 'number' || cached.exp + CLOCK_TOLERANCE_S > Date.now() / 1000) {
        this.cache.set(token, cached);
        return cached;
      }
    }
    if (token === '') throw new JwtError('Empty JWT is sent in Authorization header', 'decode');
    const parts = token.split('.').length;
    if (parts !== 3) throw new JwtError(`Expected 3 parts in JWT; got ${parts}`, 'decode');
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, payload);
      return payload;
    } catch (error: unknown) {
      throw translate(error);
    }
  }

  /** Signs claims as an HS256 JWT. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(this.key);
  }
}

function translate(error: unknown): JwtError {
  if (error instanceof errors.JWTExpired) return new JwtError('JWT expired', 'claims');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new JwtError('JWT not yet valid', 'claims');
    if (error.claim === 'iat') return new JwtError('JWT issued at future', 'claims');
    if (error.claim === 'exp') return new JwtError("The JWT 'exp' claim must be a number", 'claims');
    return new JwtError('Parsing claims failed', 'claims');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new JwtError('Wrong or unsupported encoding algorithm', 'decode');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new JwtError('JWT cryptographic operation failed', 'decode');
  }
  return new JwtError('JWT cryptographic operation failed', 'decode');
}
