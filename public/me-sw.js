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

// Web push: a message of the union shown as a notification; a tap opens the member's page. The payload is what
// src/modules/push/push.transport.ts sends: {title, body, url}.
self.addEventListener('push', function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || 'Профсоюз', {
      body: data.body || '',
      icon: '/static/me-icon.svg',
      lang: 'ru',
      data: { url: typeof data.url === 'string' && data.url.indexOf('/me') === 0 ? data.url : '/me' },
    }),
  );
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || '/me';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (new URL(list[i].url).pathname.indexOf('/me') === 0 && 'focus' in list[i]) {
          return list[i].navigate(url).then(function (c) {
            return (c || list[i]).focus();
          });
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
