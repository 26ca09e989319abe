// Push opt-in on the wallet page: the only part of the customer pages that needs JavaScript.
(function () {
  'use strict';
  var box = document.querySelector('[data-push]');
  if (!box) { return; }
  var statusLine = box.querySelector('[data-push-status]');
  var button = box.querySelector('[data-push-button]');
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  box.classList.remove('hidden');

  function say(key) { statusLine.textContent = box.getAttribute('data-text-' + key); }
  function done(key) { say(key); button.classList.add('hidden'); }

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    done('unsupported');
    return;
  }
  if (Notification.permission === 'denied') {
    done('denied');
    return;
  }

  function keyBytes(base64url) {
    var padded = (base64url + '===='.slice(base64url.length % 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function save(subscription) {
    var body = subscription.toJSON();
    body.owner = 'customer';
    return fetch('/api/v1/push/subscriptions', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'x-csrftoken': csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error('subscription refused: ' + response.status); }
    });
  }

  var registered = navigator.serviceWorker.register('/w/sw.js', { scope: '/w/' });

  // A browser that already subscribed keeps its subscription on the server up to date.
  registered.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (existing) {
    if (existing && Notification.permission === 'granted') {
      return save(existing).then(function () { done('on'); });
    }
  }).catch(function () { /* the button still works */ });

  button.addEventListener('click', function () {
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') { done('denied'); return null; }
      return Promise.all([
        navigator.serviceWorker.ready,
        fetch('/api/v1/push/vapid-public-key').then(function (r) { return r.json(); })
      ]).then(function (both) {
        return both[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(both[1].public_key) });
      }).then(save).then(function () { done('on'); });
    }).catch(function () {
      say('failed');
    }).then(function () {
      button.disabled = false;
    });
  });
})();
