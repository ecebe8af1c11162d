// The qrtc page's service worker: it keeps a copy of the page's files so the
// page opens and works without a network once it has been loaded. Network
// first (a new version shows up at once when online), the cached copy when
// the network fails. Other origins are left alone.
"use strict";
const CACHE = "qrtc-page";
const FILES = ["./", "index.html", "app.js", "style.css", "scan-worker.js", "wasm_exec.js",
  "codec.wasm.gz", "scan.wasm.gz", "manifest.webmanifest", "icon.svg"];
self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== location.origin) return;
  e.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const r = await fetch(e.request);
      if (r.ok) cache.put(e.request, r.clone());
      return r;
    } catch (err) {
      const hit = await cache.match(e.request, { ignoreSearch: true });
      if (hit) return hit;
      throw err;
    }
  })());
});
