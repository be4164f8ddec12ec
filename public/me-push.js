// Web push on the member's page: asks the browser for a subscription (with the registry's VAPID public key) and posts
// it with the page's own form, so the server answers with a flash as for any form. Without JS or push support the
// page keeps its note and the «all devices» switch-off.
(function () {
  'use strict';
  var box = document.querySelector('[data-push]');
  if (!box || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  var on = box.querySelector('[data-push-on]');
  var off = box.querySelector('[data-push-off]');
  var status = box.querySelector('[data-push-status]');
  var note = document.querySelector('[data-push-unsupported]');
  box.hidden = false;
  if (note) note.hidden = true;

  function key(b64) {
    var s = (b64 + '='.repeat((4 - (b64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function say(text) {
    if (status) status.textContent = text;
  }

  navigator.serviceWorker
    .register('/me/sw.js', { scope: '/me/' })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        if (sub) {
          on.hidden = true;
          off.hidden = false;
          off.elements.endpoint.value = sub.endpoint;
        }
        on.addEventListener('submit', function (e) {
          e.preventDefault();
          Notification.requestPermission()
            .then(function (perm) {
              if (perm !== 'granted') throw new Error('denied');
              return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) });
            })
            .then(function (s) {
              var j = s.toJSON();
              on.elements.endpoint.value = j.endpoint;
              on.elements.p256dh.value = j.keys.p256dh;
              on.elements.auth.value = j.keys.auth;
              on.submit();
            })
            .catch(function () {
              say('Браузер не разрешил уведомления. Разрешите их в настройках сайта и попробуйте снова.');
            });
        });
        off.addEventListener('submit', function (e) {
          e.preventDefault();
          (sub ? sub.unsubscribe() : Promise.resolve()).then(
            function () {
              off.submit();
            },
            function () {
              off.submit();
            },
          );
        });
      });
    })
    .catch(function () {
      box.hidden = true;
      if (note) note.hidden = false;
    });
})();
