"""WTForms forms; each one owns the mapping to its model (fill / save)."""
