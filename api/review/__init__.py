"""The medical review queue: what reviewers should look at now."""
