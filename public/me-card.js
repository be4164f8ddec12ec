// The member's card opens offline: a service worker (scope /me/) keeps the card page and the files it needs,
// and nothing else. On the sign-in page the kept card is dropped, so a shared phone keeps no one's card after sign-out.
(function () {
  'use strict';
  var CACHE = 'me-card-v1';
  if (location.pathname === '/me/login') {
    if (window.caches) caches.delete(CACHE);
    return;
  }
  if (!('serviceWorker' in navigator) || location.pathname !== '/me/card') return;
  navigator.serviceWorker
    .register('/me/sw.js', { scope: '/me/' })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function (reg) {
      var urls = ['/me/card'];
      document.querySelectorAll('link[rel=stylesheet], link[rel=manifest], script[src]').forEach(function (el) {
        urls.push(el.getAttribute('href') || el.getAttribute('src'));
      });
      if (reg.active) reg.active.postMessage({ keep: urls });
    })
    .catch(function () {
      /* no offline card on this browser: the page still works online */
    });
})();
