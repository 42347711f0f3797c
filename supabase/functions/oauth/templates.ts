import Handlebars from 'npm:handlebars';

/** A Handlebars environment of its own with the helpers connectors' OAuth2 specs use. */
const handlebars = Handlebars.create();

/** A helper usable inline (`{{urlencode x}}`) and as a block (`{{#urlencode}}{{{ x }}}{{/urlencode}}`). */
function textHelper(transform: (text: string) => string): Handlebars.HelperDelegate {
  return function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as Handlebars.HelperOptions;
    const text = typeof options.fn === 'function' ? options.fn(this) : textOf(args[0]);
    return new handlebars.SafeString(transform(text));
  };
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

handlebars.registerHelper(
  'urlencode',
  textHelper((text) => encodeURIComponent(text)),
);
handlebars.registerHelper(
  'basicauth',
  textHelper((text) => base64(text)),
);
handlebars.registerHelper(
  'now_plus',
  textHelper((text) => new Date(Date.now() + Number(text.trim()) * 1000).toISOString()),
);

/** Renders a connector's template (auth URL, token URL, body, headers) with Handlebars. */
export function render(template: string, context: Record<string, unknown>): string {
  return handlebars.compile(template)(context);
}

/** Base64 of a string's UTF-8 bytes (btoa for ASCII, and no exception for other text). */
export function base64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Decodes base64 of UTF-8 text. */
export function unbase64(encoded: string): string {
  const binary = atob(encoded);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The value at a JSON pointer (RFC 6901), or undefined. */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let value = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(value)) value = /^\d+$/.test(token) ? (value[Number(token)] as unknown) : undefined;
    else if (value !== null && typeof value === 'object') value = (value as Record<string, unknown>)[token];
    else return undefined;
  }
  return value;
}
