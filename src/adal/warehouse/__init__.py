"""The warehouse: canonical tables in DuckDB, their loader, and the one SQL executor."""
