"""Red-flag indicators: one module per indicator, named by its code; the registry lists them."""
