"""The supervisor console."""
