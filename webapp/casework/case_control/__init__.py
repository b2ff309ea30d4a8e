"""Suspending, resuming and cancelling a case, and retrying an incident."""
