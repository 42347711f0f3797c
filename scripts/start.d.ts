/** The Electron binary, or why it is unusable; `load` stands in for `require('electron')`. */
export function electronBinary(
  load?: () => unknown,
): { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };
