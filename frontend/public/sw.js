// Credence's service worker: keeps the app itself (the page, its CSS, the wasm and its
// lazily loaded chunks, the icons) for the build it came with, so the app opens with no
// network. The rep's figures are kept by the app in IndexedDB, not here; API calls
// (/v1/...) always go to the network.
//
// `cargo xtask` writes this file into dist/ with the build's version and file list in
// place of the two placeholders below (xtask/src/shell.rs).
const VERSION = "__CREDENCE_VERSION__";
const PRECACHE = __CREDENCE_PRECACHE__;
const CACHE = "credence-shell-" + VERSION;

// Paths the server answers itself; the worker never touches them.
const NETWORK_ONLY = ["/v1/", "/oauth2/", "/auth/", "/.well-known/", "/health", "/openapi.json", "/csp-report"];

self.addEventListener("install", (event) => {
  // The new version waits until the page asks it to take over ("update available").
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("credence-shell-") && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;

  if (request.mode === "navigate") {
    // Every page is the app: the page of this version, from the cache; the network
    // only when it is not there yet.
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match("/index.html"))
        .then((cached) => cached || fetch(request)),
    );
    return;
  }
  // The app's own files: from the cache when kept, else the network.
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((cached) => cached || fetch(request)),
  );
});
