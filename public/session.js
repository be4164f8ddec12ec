// The session warning: about 5 minutes before the session ends (30 minutes without a request, or 12 hours after
// signing in), a notice with a button that extends it. Without this script the page still says when the session
// ends (the note under the page), and a form sent too late is kept and re-shown after signing in again.
(function () {
  'use strict';
  var note = document.querySelector('[data-session-ends-in]');
  if (!note || !window.fetch) return;
  var WARN_MS = 5 * 60 * 1000;
  var endsAt = 0;
  var limit = false;
  var timer = 0;
  var box = null;

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }
  function clock(t) {
    var d = new Date(t);
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function minutes(ms) {
    var n = Math.max(1, Math.ceil(ms / 60000));
    var m10 = n % 10;
    var m100 = n % 100;
    var word =
      m10 === 1 && m100 !== 11 ? 'минуту' : m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14) ? 'минуты' : 'минут';
    return n + ' ' + word;
  }
  function hide() {
    if (box) box.parentNode.removeChild(box);
    box = null;
  }
  function show(text, withButton) {
    hide();
    box = document.createElement('div');
    box.className = 'session-warning warn-box';
    box.setAttribute('role', 'alert');
    var p = document.createElement('p');
    p.textContent = text;
    box.appendChild(p);
    if (withButton) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'btn';
      b.textContent = 'Продлить сеанс';
      b.addEventListener('click', extend);
      box.appendChild(b);
    }
    document.body.appendChild(box);
  }
  function tick() {
    var left = endsAt - Date.now();
    if (left <= 0) {
      show(
        'Сеанс завершён. Отправьте форму: после входа введённое будет показано снова, проверьте его и отправьте ещё раз.',
        false,
      );
      return;
    }
    if (left > WARN_MS) {
      timer = window.setTimeout(tick, left - WARN_MS);
      return;
    }
    if (limit) {
      show(
        'Через ' +
          minutes(left) +
          ' (в ' +
          clock(endsAt) +
          ') сеанс завершится: прошло почти 12 часов со входа. ' +
          'Отправьте заполняемую форму сейчас, затем войдите снова.',
        false,
      );
    } else {
      show('Без действий сеанс завершится через ' + minutes(left) + ' (в ' + clock(endsAt) + ').', true);
    }
    timer = window.setTimeout(tick, Math.min(30000, left));
  }
  function schedule(msLeft, isLimit) {
    window.clearTimeout(timer);
    endsAt = Date.now() + msLeft;
    limit = isLimit;
    hide();
    tick();
  }
  function extend() {
    fetch('/session/keep-alive', {
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { Accept: 'application/json' },
    })
      .then(function (r) {
        if (!r.ok) throw new Error('ended');
        return r.json();
      })
      .then(function (s) {
        schedule(s.msLeft, !!s.limit);
      })
      .catch(function () {
        endsAt = Date.now();
        tick();
      });
  }
  schedule(Number(note.getAttribute('data-session-ends-in')) || 0, note.getAttribute('data-session-limit') === '1');
})();
