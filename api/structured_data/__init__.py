"""schema.org structured data (JSON-LD) for public articles."""
