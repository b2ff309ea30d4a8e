"""Synthetic data at national scale: ``mahalla generate --appeals N`` (for benchmarks and demos)."""
