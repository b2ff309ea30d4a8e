"""Legal-advocacy events."""
