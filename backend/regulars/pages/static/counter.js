// The counter tablet: a new redemption QR every few seconds, and each redemption shown as it happens.
(function () {
  'use strict';
  var root = document.querySelector('[data-counter]');
  if (!root) { return; }
  var qr = root.querySelector('[data-counter-qr]');
  var done = root.querySelector('[data-counter-done]');
  var refreshSeconds = Number(root.getAttribute('data-refresh')) || 30;
  var timer = null;
  var hideTimer = null;

  function refresh() {
    clearTimeout(timer);
    fetch('/api/v1/counter/qr', { credentials: 'same-origin' })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (body) { qr.innerHTML = body.qr_svg; timer = setTimeout(refresh, body.refresh_in * 1000); })
      .catch(function () { timer = setTimeout(refresh, 5000); });
  }

  function show(event) {
    var data = JSON.parse(event.data);
    done.querySelector('[data-counter-done-title]').textContent = root.getAttribute('data-text-done');
    done.querySelector('[data-counter-done-text]').textContent =
      (document.documentElement.lang === 'en' && data.name_en ? data.name_en : data.name_zh) +
      ' · ' + data.code + ' · ' + data.customer;
    done.classList.remove('hidden');
    done.setAttribute('data-coupon-id', String(data.coupon_id));
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { done.classList.add('hidden'); }, 20000);
    refresh();  // the used QR is spent: show the next one at once
  }

  var events = new EventSource('/api/v1/counter/events');
  events.addEventListener('redeemed', show);
  timer = setTimeout(refresh, refreshSeconds * 1000);
})();
