import type { Page } from 'playwright-core';

/** An element whose box reaches past the viewport's right edge without a scrolling or clipping box around it. */
export interface Overflow {
  readonly element: string;
  readonly right: number;
}

/**
 * The visible elements of the page whose right edge is beyond the viewport, ignoring those inside a box that
 * scrolls or clips them (a table in an `overflow-x: auto` wrapper, the JSON editor): those are reachable.
 */
export async function offscreenElements(page: Page): Promise<Overflow[]> {
  // A string expression: this file is type-checked without the DOM library.
  return await page.evaluate<Overflow[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const overflowX = getComputedStyle(p).overflowX;
        if (overflowX !== 'visible') return true;
      }
      return false;
    };
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.right <= width + 0.5) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      if (clipped(el)) continue;
      const id = el.getAttribute('data-testid');
      const name = el.tagName.toLowerCase() + (id ? '[data-testid=' + id + ']' : '') +
        (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      found.push({ element: name, right: Math.round(rect.right) });
    }
    return found;
  })()`);
}
