import { type Theme, useThemeStore } from '../../stores/theme-store.js';

const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

/** Cycles the theme: system → light → dark. */
export function ThemeToggle(): React.JSX.Element {
  const theme = useThemeStore((s) => s.theme);
  const setTheme = useThemeStore((s) => s.setTheme);
  return (
    <button
      className="theme-toggle"
      data-testid="theme-toggle"
      title="Colour theme (system, light, dark)"
      onClick={() => setTheme(NEXT[theme])}
    >
      Theme: {theme}
    </button>
  );
}
