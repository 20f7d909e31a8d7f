"""The audit log: every write, by whom, when, and what changed; append-only."""
