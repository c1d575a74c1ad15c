// The chosen theme applies before the first paint, so a dark page never flashes white.
try {
  const theme = localStorage.getItem('watchtower.theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage is blocked: the page follows the system theme.
}
