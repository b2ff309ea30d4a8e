"""Webhooks: partner systems subscribe to appeal events and receive signed deliveries via the outbox."""
