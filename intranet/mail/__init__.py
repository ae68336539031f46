"""Outgoing mail: the outbox, its deliverer and transports."""
