"""Newsletter signups: double opt-in, unsubscribe, consent evidence, staff export and erasure."""
