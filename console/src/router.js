// Pages by path under /console/ (the server answers index.html for every one of them).
const BASE = '/console';
const routes = [];
let onChange = () => {};

export function route(pattern, page) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => (names.push(n), '([^/]+)')) + '/?$');
  routes.push({ re, names, page });
}

export function resolve(path) {
  const rel = path.startsWith(BASE) ? path.slice(BASE.length) || '/' : path;
  for (const r of routes) {
    const m = rel.match(r.re);
    if (m) return { page: r.page, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

export function href(rel) {
  return BASE + rel;
}

export function go(rel) {
  history.pushState(null, '', href(rel));
  onChange();
}

export function startRouter(render) {
  onChange = render;
  window.addEventListener('popstate', render);
  // Links inside the console change the page without a reload.
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[href]');
    if (!a || a.target || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE + '/')) return;
    e.preventDefault();
    history.pushState(null, '', url.pathname + url.search);
    render();
  });
  render();
}
