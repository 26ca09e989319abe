"""Messaging: Web Push (VAPID keys, subscriptions, sending), wallet and staff inboxes, SMS providers."""
