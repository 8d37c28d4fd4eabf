// `npm run dev` only (import.meta.hot; a build drops all of it): when the
// runs change, live.ts makes every open page reload itself; the reader stays
// where they were on the page.
const KEY = 'sweepbook:scroll';

if (import.meta.hot) {
  import.meta.hot.on('vite:beforeFullReload', () => {
    sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname, y: window.scrollY }));
  });
  const saved: { path?: string; y?: number } | null = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  sessionStorage.removeItem(KEY);
  if (saved?.path === location.pathname && typeof saved.y === 'number') window.scrollTo(0, saved.y);
}
