"""HTTP caching and CORS for public reads: one content validator, 304s before the view runs."""
