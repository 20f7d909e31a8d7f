"""Full-text search of published articles, with topics and authors, and type-ahead suggestions."""
