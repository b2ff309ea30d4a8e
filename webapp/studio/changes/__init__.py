"""Changing procedures safely: compare versions, migrate running cases, test runs in a sandbox."""
