"""Helpers shared by the test modules: factories, staff and newsletter helpers, the test
stores, the XSS corpus and the hostile library built from it. Fixture modules are loaded as
plugins by tests/conftest.py; the rest is imported where needed."""
