import { jsonLanguage } from '@codemirror/lang-json';
import type { SyntaxNode } from '@lezer/common';

import { pointerTokens } from '../../../../shared/catalog/json-pointer.js';

/** A span of the editor's text. */
export interface TextRange {
  readonly from: number;
  readonly to: number;
}

const PUNCTUATION = new Set(['{', '}', '[', ']', ',', ':']);

/** The first line of a node: a whole object would underline the rest of the document. */
function firstLine(text: string, from: number, to: number): TextRange {
  const newline = text.indexOf('\n', from);
  return { from, to: newline >= 0 && newline < to ? newline : to };
}

function propertyNamed(text: string, object: SyntaxNode, token: string): SyntaxNode | null {
  for (let p = object.firstChild; p; p = p.nextSibling) {
    const name = p.name === 'Property' ? p.getChild('PropertyName') : null;
    if (name && (JSON.parse(text.slice(name.from, name.to)) as string) === token) return p;
  }
  return null;
}

function item(array: SyntaxNode, token: string): SyntaxNode | null {
  if (!/^\d+$/.test(token)) return null;
  let index = 0;
  for (let c = array.firstChild; c; c = c.nextSibling) {
    if (PUNCTUATION.has(c.name)) continue;
    if (String(index++) === token) return c;
  }
  return null;
}

/**
 * Where a JSON pointer is in valid JSON text: a property's name and value (a value on one line), an array item,
 * or, when the pointer names something missing (a required field), the first line of its closest parent.
 */
export function pointerRange(text: string, pointer: string): TextRange {
  const tree = jsonLanguage.parser.parse(text);
  const top = tree.topNode.firstChild;
  if (!top) return firstLine(text, 0, text.length);
  let node: SyntaxNode = top;
  let start = node.from;
  for (const token of pointerTokens(pointer)) {
    const property: SyntaxNode | null = node.name === 'Object' ? propertyNamed(text, node, token) : null;
    const next: SyntaxNode | null = property
      ? property.lastChild
      : node.name === 'Array'
        ? item(node, token)
        : null;
    if (!next) return firstLine(text, start, node.to);
    start = property ? property.from : next.from;
    node = next;
  }
  return firstLine(text, start, node.to);
}
