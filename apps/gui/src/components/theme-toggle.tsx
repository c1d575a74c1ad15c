import { useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const KEY = 'watchtower.theme';

function readTheme(): Theme {
  const theme = document.documentElement.dataset.theme;
  return theme === 'light' || theme === 'dark' ? theme : 'system';
}

/** Light, dark, or as the system says; kept in localStorage (index.html applies it before the first paint). */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(readTheme);
  function cycle() {
    const next = NEXT[theme];
    if (next === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = next;
    try {
      if (next === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
    setTheme(next);
  }
  return (
    <button type="button" className="ghost" onClick={cycle} title="Switch between system, light and dark themes">
      Theme: {theme}
    </button>
  );
}
