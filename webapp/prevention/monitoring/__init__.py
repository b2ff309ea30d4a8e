"""Monitoring of prevention work and the mahalla risk colour."""
