"""QR codes that open an article's page on the clinic site (the kiosk shows them)."""
