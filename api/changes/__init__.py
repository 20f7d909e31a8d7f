"""Public change events: recorded with every write (session hooks), served by the feed."""

from api.changes import recorder as recorder  # registers the session hooks
