import { create } from 'zustand';

import { explainedText } from '../api/explain-error.js';

/** A short message in the corner: a confirmation ("Copied …") or a problem nothing else showed. */
export interface Toast {
  readonly id: number;
  readonly tone: 'good' | 'bad';
  readonly text: string;
}

interface ToastStore {
  toasts: readonly Toast[];
  show: (tone: Toast['tone'], text: string) => void;
  dismiss: (id: number) => void;
}

const LIFETIME_MS = { good: 2500, bad: 10_000 } as const;
let nextId = 1;

/** Toasts, each going away by itself (problems stay longer, and can be dismissed). */
export const useToastStore = create<ToastStore>((set, get) => ({
  toasts: [],
  show: (tone, text) => {
    const id = nextId++;
    // One of each text at a time: a repeated failure must not stack up.
    set({ toasts: [...get().toasts.filter((t) => t.text !== text), { id, tone, text }].slice(-4) });
    setTimeout(() => get().dismiss(id), LIFETIME_MS[tone]);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

/** Shows a confirmation. */
export function toastDone(text: string): void {
  useToastStore.getState().show('good', text);
}

/**
 * The safety net for promises nobody handled: the failure becomes a visible, explained message instead of a
 * silent console line and a spinner that never ends.
 */
export function reportUnhandledRejections(): () => void {
  const onRejection = (event: PromiseRejectionEvent): void => {
    event.preventDefault();
    console.error('Unhandled rejection', event.reason);
    useToastStore
      .getState()
      .show('bad', `Something failed in the background: ${explainedText(event.reason)}`);
  };
  window.addEventListener('unhandledrejection', onRejection);
  return () => window.removeEventListener('unhandledrejection', onRejection);
}
