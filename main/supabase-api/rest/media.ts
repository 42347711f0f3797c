import { ApiError } from './api-error.js';

/** What a response body is made as (PostgREST's MediaType). */
export type Media =
  | { readonly kind: 'json' }
  /** `application/vnd.pgrst.object+json`: one object, else 406 PGRST116. */
  | { readonly kind: 'object' }
  | { readonly kind: 'csv' }
  /** `application/vnd.pgrst.plan[+text|+json]; for="..."; options=a|b`: the EXPLAIN of the statement. */
  | {
      readonly kind: 'plan';
      readonly format: 'text' | 'json';
      readonly for: 'json' | 'object' | 'csv';
      readonly options: readonly PlanOption[];
    };

/** EXPLAIN options a plan request may ask for. */
export const PLAN_OPTIONS = ['analyze', 'verbose', 'settings', 'buffers', 'wal'] as const;

/** One of PLAN_OPTIONS. */
export type PlanOption = (typeof PLAN_OPTIONS)[number];

const JSON_TYPES = ['application/json', 'application/*', '*/*', 'application/vnd.pgrst.array+json'];
const OBJECT = 'application/vnd.pgrst.object+json';
const CSV = 'text/csv';
const PLAN = /^application\/vnd\.pgrst\.plan(?:\+(text|json))?$/;

function unavailable(accept: string): ApiError {
  return new ApiError(406, 'PGRST107', `None of these media types are available: ${accept}`);
}

function target(forType: string | undefined): 'json' | 'object' | 'csv' | null {
  if (forType === undefined) return 'json';
  const t = forType.replace(/^"|"$/g, '').trim().toLowerCase();
  if (JSON_TYPES.includes(t)) return 'json';
  if (t === OBJECT) return 'object';
  if (t === CSV) return 'csv';
  return null;
}

function parsePlan(format: string | undefined, params: readonly string[]): Media | null {
  let forType: string | undefined;
  let options: PlanOption[] = [];
  for (const p of params) {
    const eq = p.indexOf('=');
    const key = p.slice(0, eq).trim().toLowerCase();
    const value = p.slice(eq + 1).trim();
    if (key === 'for') forType = value;
    else if (key === 'options') {
      const wanted = value
        .split('|')
        .map((o) => o.trim().toLowerCase())
        .filter((o) => o !== '');
      if (!wanted.every((o) => (PLAN_OPTIONS as readonly string[]).includes(o))) return null;
      options = wanted as PlanOption[];
    }
  }
  const mediaFor = target(forType);
  if (mediaFor === null) return null;
  return { kind: 'plan', format: format === 'json' ? 'json' : 'text', for: mediaFor, options };
}

/**
 * The media type to answer with, from the Accept header's types in order: JSON by default, a single object,
 * CSV, or (when the database enables plans) an EXPLAIN plan. Anything else is 406 PGRST107.
 */
export function negotiate(accept: string | undefined, planEnabled: boolean): Media {
  if (accept === undefined || accept.trim() === '') return { kind: 'json' };
  for (const entry of accept.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const [type = '', ...params] = entry.split(';').map((p) => p.trim());
    const t = type.toLowerCase();
    if (t === OBJECT) return { kind: 'object' };
    if (JSON_TYPES.includes(t)) return { kind: 'json' };
    if (t === CSV) return { kind: 'csv' };
    const plan = PLAN.exec(t);
    if (plan && planEnabled) {
      const media = parsePlan(
        plan[1],
        params.filter((p) => p.includes('=')),
      );
      if (media) return media;
    }
  }
  throw unavailable(accept);
}

/** The Content-Type of a response made as `media`. */
export function contentType(media: Media): string {
  switch (media.kind) {
    case 'json':
      return 'application/json; charset=utf-8';
    case 'object':
      return 'application/vnd.pgrst.object+json; charset=utf-8';
    case 'csv':
      return 'text/csv; charset=utf-8';
    case 'plan': {
      const forType = media.for === 'object' ? OBJECT : media.for === 'csv' ? CSV : 'application/json';
      const options = media.options.length > 0 ? `; options=${media.options.join('|')}` : '';
      return `application/vnd.pgrst.plan+${media.format}; for="${forType}"${options}; charset=utf-8`;
    }
  }
}

/** The EXPLAIN prefix for a plan request; its words come from PLAN_OPTIONS, never from the request text. */
export function explainPrefix(media: Extract<Media, { kind: 'plan' }>): string {
  const options = media.options.map((o) => o.toUpperCase());
  return `EXPLAIN (${[...options, `FORMAT ${media.format.toUpperCase()}`].join(', ')}) `;
}
