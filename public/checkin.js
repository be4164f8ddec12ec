// Check-in page: the form works without this script. With it, check-ins are queued in the browser
// (localStorage) and sent when the connection is there, each with its own id, so a resend never
// registers anyone twice. Where the browser can read QR codes (BarcodeDetector), a camera button appears.
(function () {
  'use strict';
  var form = document.getElementById('checkin-form');
  if (!form || !window.fetch || !window.localStorage) return;
  var input = form.querySelector('[name="cardNumber"]');
  var status = document.getElementById('queue-status');
  var list = document.getElementById('checkins');
  var counter = document.getElementById('stat-checked');
  var key = 'checkin-queue:' + form.action;
  var sending = false;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(key) || '[]');
    } catch (e) {
      return [];
    }
  }
  function save(q) {
    localStorage.setItem(key, JSON.stringify(q));
  }
  function id() {
    return window.crypto && crypto.randomUUID
      ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function say(text, ok) {
    status.textContent = text;
    status.className = ok === undefined ? '' : 'result ' + (ok ? 'ok' : 'bad');
  }
  function showQueue() {
    var n = load().length;
    if (n) say('Нет связи: в очереди ' + n + ' — отправим, как только связь появится.');
  }

  function flush() {
    if (sending) return;
    var q = load();
    if (!q.length) return;
    sending = true;
    var item = q[0];
    var body = new URLSearchParams();
    body.set('_csrf', form.querySelector('[name="_csrf"]').value);
    body.set('cardNumber', item.cardNumber);
    body.set('clientId', item.clientId);
    fetch(form.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
      .then(function (res) {
        if (res.status >= 500 || res.status === 429 || res.status === 403) throw new Error('retry');
        return res.json().then(function (data) {
          var rest = load().filter(function (x) {
            return x.clientId !== item.clientId;
          });
          save(rest);
          say(data.message || (data.ok ? 'Отмечен' : 'Не принято'), !!data.ok);
          if (data.ok && data.status === 'CREATED' && list) {
            var li = document.createElement('li');
            li.textContent = data.message.replace(/^Отмечен\(а\): /, '');
            list.insertBefore(li, list.firstChild);
          }
          if (counter && typeof data.checkedIn === 'number') counter.textContent = String(data.checkedIn);
        });
      })
      .then(function () {
        sending = false;
        if (load().length) flush();
      })
      .catch(function () {
        sending = false;
        showQueue();
      });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var v = (input.value || '').trim();
    if (!v) {
      say('Введите номер билета', false);
      return;
    }
    var q = load();
    q.push({ cardNumber: v, clientId: id() });
    save(q);
    input.value = '';
    input.focus();
    if (navigator.onLine === false) showQueue();
    else flush();
  });
  window.addEventListener('online', flush);
  setInterval(flush, 10000);
  showQueue();
  flush();

  // Camera scanning of the virtual card's QR code, where the browser supports it.
  var btn = document.getElementById('scan-btn');
  var video = document.getElementById('scan-video');
  if (btn && video && 'BarcodeDetector' in window && navigator.mediaDevices) {
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: 'environment' } })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          video.play();
          var tick = function () {
            detector
              .detect(video)
              .then(function (codes) {
                if (codes.length) {
                  stream.getTracks().forEach(function (t) {
                    t.stop();
                  });
                  video.hidden = true;
                  input.value = codes[0].rawValue;
                  form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit'));
                } else {
                  requestAnimationFrame(tick);
                }
              })
              .catch(function () {
                requestAnimationFrame(tick);
              });
          };
          tick();
        })
        .catch(function () {
          say('Камера недоступна: наберите номер вручную', false);
        });
    });
  }
})();
