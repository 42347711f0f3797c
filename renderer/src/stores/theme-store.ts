import { create } from 'zustand';

/** `system` follows the operating system's setting; the others pin a theme. */
export type Theme = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'flow-desktop-theme';

function savedTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

function apply(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

interface ThemeStore {
  theme: Theme;
  setTheme: (theme: Theme) => void;
}

/** The GUI's colour theme, kept across sessions. */
export const useThemeStore = create<ThemeStore>((set) => {
  const theme = savedTheme();
  apply(theme);
  return {
    theme,
    setTheme: (next) => {
      localStorage.setItem(STORAGE_KEY, next);
      apply(next);
      set({ theme: next });
    },
  };
});
