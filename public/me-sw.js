// Service worker of the members' side (scope /me/). It keeps ONLY the card page (/me/card) and the static files
// that page uses; no other personal page is ever stored. The card is refreshed at every online visit and dropped
// as soon as the server says the member is no longer signed in.
'use strict';
var CACHE = 'me-card-v1';
var CARD = '/me/card';

self.addEventListener('install', function () {
  self.skipWaiting();
});
self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

function keepCard(res) {
  return caches.open(CACHE).then(function (cache) {
    if (res.ok && res.type === 'basic' && !res.redirected) return cache.put(CARD, res.clone());
    return cache.delete(CARD);
  });
}

self.addEventListener('message', function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(
        urls
          .filter(function (u) {
            return u === CARD || /^\/static\//.test(u);
          })
          .map(function (u) {
            return fetch(u, { credentials: 'same-origin', redirect: 'manual' }).then(function (res) {
              if (u === CARD) return keepCard(res);
              if (res.ok) return cache.put(u, res);
            });
          }),
      );
    }),
  );
});

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (url.pathname === CARD) {
    event.respondWith(
      fetch(req)
        .then(function (res) {
          return keepCard(res).then(function () {
            return res;
          });
        })
        .catch(function () {
          return caches.match(CARD).then(function (hit) {
            return hit || Response.error();
          });
        }),
    );
    return;
  }
  if (/^\/static\//.test(url.pathname)) {
    event.respondWith(
      caches.match(req).then(function (hit) {
        return hit || fetch(req);
      }),
    );
  }
});
