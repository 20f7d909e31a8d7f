"""HL7 Infobutton knowledge requests: topics and articles for a diagnosis code."""
