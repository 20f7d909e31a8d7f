"""Syndication: RSS 2.0, Atom and JSON Feed of the newest public articles, and the sitemap."""
