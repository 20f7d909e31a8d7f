"""Content gaps: what the public searches for and does not find, counted per query and day."""
