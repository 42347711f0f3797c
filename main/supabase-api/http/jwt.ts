import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** Why a JWT was refused, in PostgREST's words; `expired` decides between PGRST303 and PGRST301. */
export class JwtError extends Error {
  constructor(
    message: string,
    readonly kind: 'decode' | 'claims',
  ) {
    super(message);
  }
}

/** Verifies and signs the stack's HS256 JWTs, with a small cache of verified tokens. */
export class JwtCodec {
  private readonly key: Uint8Array;
  // Verifying costs a few microseconds, but clients resend the same token on every request.
  private readonly cache = new Map<string, JWTPayload>();

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** The verified claims of a token; throws JwtError with PostgREST's message when it is not valid. */
  async verify(token: string): Promise<JWTPayload> {
    const cached = this.cache.get(token);
    const now = Math.floor(Date.now() / 1000);
    if (cached && (typeof cached.exp !== 'number' || cached.exp + 30 > now)) return cached;
    if (token === '') throw new JwtError('Empty JWT is sent in Authorization header', 'decode');
    const parts = token.split('.').length;
    if (parts !== 3) throw new JwtError(`Expected 3 parts in JWT; got ${parts}`, 'decode');
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], clockTolerance: 30 });
      if (this.cache.size > 1000) this.cache.clear();
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
