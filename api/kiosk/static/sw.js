// The kiosk's service worker (scope /kiosk/): the page's own files from the network when it
// answers, else from the cache; QR codes from the cache the page fills (store.js). The
// content itself lives in IndexedDB, so API reads pass straight through.
const SHELL = "careleaf-kiosk-shell-v1";
const QR_CACHE = "careleaf-kiosk-qr";
const FILES = ["./", "kiosk.css", "app.js", "store.js", "views.js", "dom.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function networkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(QR_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/kiosk/")) event.respondWith(networkFirst(event.request));
  else if (/^\/api\/v1\/articles\/[^/]+\/qr\.svg$/.test(url.pathname)) event.respondWith(cacheFirst(event.request));
});
