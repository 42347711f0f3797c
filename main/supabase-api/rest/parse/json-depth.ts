import { ApiError } from '../api-error.js';

/**
 * How deep a request body's JSON may nest. PostgreSQL's jsonb input recurses and fails past a few thousand
 * levels with 54001 "stack depth limit exceeded", a 500; deeper bodies are refused up front as invalid.
 */
export const MAX_JSON_DEPTH = 1000;

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of arrays and objects in JSON text (strings skipped), counting no further than `limit + 1`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return deepest;
}

/** Fails with 400 PGRST102 when a body nests deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(text: string): void {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ApiError(
      400,
      'PGRST102',
      'Empty or invalid json',
      `The JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
}
