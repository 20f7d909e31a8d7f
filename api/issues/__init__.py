"""Newsletter issues: composed by editors, one personal message per confirmed subscriber."""
