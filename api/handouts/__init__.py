"""Printable handouts: a published article as a clinic handout, in HTML for the browser's own
print and as PDF (WeasyPrint), with the clinic's details and a QR code to the online page."""

import logging

# WeasyPrint logs every layout step at INFO (even its own style sheets, parsed on import):
# noise in the request log, which keeps its warnings (e.g. an image it was not allowed to fetch).
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
