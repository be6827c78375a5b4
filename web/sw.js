// The page's service worker: it keeps a copy of the page, its scripts and
// the module, so that the page works offline once it has loaded and can be
// installed. Each request for one of these files goes to the network first
// (the server answers 304 when nothing changed) and falls back to the copy
// when the network fails; every other request, key set URLs included, passes
// through untouched.

const CACHE = 'jwtwasm-inspector-v1';

// The files the page needs; web/embed_test.go checks this list against the
// files "jwtwasm serve" serves.
const FILES = [
  './',
  'index.html',
  'style.css',
  'app.mjs',
  'worker.mjs',
  'manifest.webmanifest',
  'icon.svg',
  'icon-maskable.svg',
  'js/jwtwasm.mjs',
  'js/instance.mjs',
  'js/pool.mjs',
  'js/wasi.mjs',
  'blob/jwtwasm.wasm',
];

const scope = new URL('./', self.location.href);
const cached = new Set(FILES.map((f) => new URL(f, scope).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(new URL(f, scope), { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('jwtwasm-inspector-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  url.hash = '';
  url.search = '';
  let key = url.href;
  if (req.mode === 'navigate' && key === new URL('index.html', scope).href) key = scope.href;
  if (!cached.has(key)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const res = await fetch(req.mode === 'navigate' ? key : req, { cache: 'no-cache' });
        if (res.ok) await cache.put(key, res.clone());
        return res;
      } catch (err) {
        const hit = await cache.match(key);
        if (hit) return hit;
        throw err;
      }
    })(),
  );
});
