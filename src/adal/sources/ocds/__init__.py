"""Open Contracting Data Standard: reading, upgrading, merging and flattening."""
