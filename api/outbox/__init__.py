"""A transactional outbox: messages written with the business change, delivered by a worker."""
