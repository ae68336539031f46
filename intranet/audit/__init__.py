"""The audit log of security-relevant events."""
