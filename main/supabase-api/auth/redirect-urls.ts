import { isIP } from 'node:net';

/**
 * A gobwas/glob pattern with `.` and `/` as separators, as GoTrue compiles `additional_redirect_urls`
 * (GOTRUE_URI_ALLOW_LIST): `*` is any run of characters but a separator, `**` any run at all, `?` one
 * character but a separator, `[a-z]`/`[!a-z]` a class, `{a,b}` alternatives, `\` an escape.
 */
export function compileGlob(pattern: string): RegExp {
  const sep = '[^./]';
  let i = 0;
  const parse = (inBraces: boolean): string => {
    let out = '';
    while (i < pattern.length) {
      const c = pattern[i]!;
      if (inBraces && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\' && i < pattern.length) out += escapeRegExp(pattern[i++]!);
      else if (c === '*') {
        if (pattern[i] === '*') {
          while (pattern[i] === '*') i++;
          out += '[\\s\\S]*';
        } else out += `${sep}*`;
      } else if (c === '?') out += sep;
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) {
          out += '\\[';
          continue;
        }
        let body = pattern.slice(i, end);
        i = end + 1;
        const negated = body.startsWith('!');
        if (negated) body = body.slice(1);
        const cls = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
        out += negated ? `[^${cls}]` : `[${cls}]`;
      } else if (c === '{') {
        const alternatives: string[] = [];
        for (;;) {
          alternatives.push(parse(true));
          if (i >= pattern.length) break;
          const sepChar = pattern[i++];
          if (sepChar === '}') break;
        }
        out += `(?:${alternatives.join('|')})`;
      } else out += escapeRegExp(c);
    }
    return out;
  };
  return new RegExp(`^${parse(false)}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The redirect targets Auth accepts: the site URL, and the allow list as compiled globs. */
export interface RedirectPolicy {
  readonly siteUrl: string;
  readonly allowList: readonly RegExp[];
}

/** A policy from config.toml's `site_url` and `additional_redirect_urls` (plus any extra patterns). */
export function redirectPolicy(siteUrl: string, patterns: readonly string[]): RedirectPolicy {
  return { siteUrl, allowList: patterns.map(compileGlob) };
}

const DECIMAL_IP = /^[0-9]+$/;
const REGULAR_HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/;

function isLoopbackIp(host: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || /^::ffff:127\./i.test(host);
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * GoTrue's `IsRedirectURLValid` (internal/utilities/request.go): a URL with a control character or space is
 * refused; one on the site's scheme, host and port is accepted; decimal-IP hosts, IPs other than loopback and
 * unusual host names are refused; otherwise the allow list decides (matched without the fragment). One deliberate difference:
 * GoTrue also accepts any loopback IP on any port (RFC 8252 native apps); on a desktop where every local
 * page is on a loopback port, that lets any local page receive another user's session, so here a loopback
 * target must be the site URL or on the allow list like any other.
 */
export function isRedirectAllowed(policy: RedirectPolicy, redirectTo: string): boolean {
  if (redirectTo === '') return false;
  if ([...redirectTo].some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f)) return false;
  let base: URL;
  try {
    base = new URL(policy.siteUrl);
  } catch {
    return false;
  }
  let target: URL | null = null;
  try {
    target = new URL(redirectTo);
  } catch {
    const lower = redirectTo.toLowerCase();
    if (lower.startsWith('http://') || lower.startsWith('https://')) return false;
  }
  if (target) {
    if (target.username !== '' || target.password !== '') return false;
    // The host as written: WHATWG parsing would turn http://2130706433/ into http://127.0.0.1/ first.
    const writtenHost = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#:]*)/i.exec(redirectTo)?.[1] ?? '';
    if (DECIMAL_IP.test(writtenHost) || /^0x/i.test(writtenHost)) return false;
    if (hostOf(base) === hostOf(target) && base.protocol === target.protocol && base.port === target.port) {
      return true;
    }
    const isHttp = target.protocol === 'http:' || target.protocol === 'https:';
    const host = hostOf(target);
    if (DECIMAL_IP.test(host)) return false;
    if (isIP(host) !== 0) {
      // GoTrue accepts a loopback IP outright and refuses any other IP; here loopback goes on to the list.
      if (!isLoopbackIp(host)) return false;
    } else if (isHttp && !REGULAR_HOSTNAME.test(host)) return false;
  }
  const matchAgainst = redirectTo.split('#', 1)[0]!;
  return policy.allowList.some((glob) => glob.test(matchAgainst));
}

/** The redirect target GoTrue uses (`GetReferrer`): `redirect_to` when allowed, else the site URL. */
export function allowedRedirect(policy: RedirectPolicy, redirectTo: string | null | undefined): string {
  return redirectTo && isRedirectAllowed(policy, redirectTo) ? redirectTo : policy.siteUrl;
}
