"""Public change events: recorded with every write (session hooks), served by the feed."""
