// The customer pages' service worker: shows a pushed message and opens the wallet on click.
'use strict';

const WALLET = '/w';
const FALLBACK_TITLE = '门店消息';

self.addEventListener('install', (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
  let data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = { body: event.data.text() };
    }
  }
  const options = {
    body: data.body || '',
    tag: data.id ? `inbox-${data.id}` : undefined,
    data: { url: data.url || WALLET },
  };
  event.waitUntil(self.registration.showNotification(data.title || FALLBACK_TITLE, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  let target = new URL((event.notification.data && event.notification.data.url) || WALLET, self.location.origin);
  if (target.origin !== self.location.origin) {
    target = new URL(WALLET, self.location.origin);
  }
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname.startsWith('/w/'));
      if (open && 'navigate' in open) {
        // navigate() works only on a window this worker controls; anything else gets a new window.
        return open.navigate(target.href)
          .then((client) => (client || open).focus())
          .catch(() => self.clients.openWindow(target.href));
      }
      return self.clients.openWindow(target.href);
    }),
  );
});
