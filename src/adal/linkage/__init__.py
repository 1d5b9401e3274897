"""Identifiers (BIN/IIN), name normalisation and entity resolution across registers."""
