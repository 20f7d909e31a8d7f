"""Article revisions: a full snapshot of the content at every change, never rewritten."""
