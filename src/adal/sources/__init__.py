"""Readers of what the state publishes, one sub-package per source kind."""
