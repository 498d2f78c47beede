"""Webhooks: admins' subscriptions, events written with the change, signed delivery by queue."""
