"""The knowledge request's URL parameters, named as the HL7 URL-based implementation guide
names them (dotted), so that an EHR configured for MedlinePlus Connect can call us too."""

from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema

ATOM = "application/atom+xml"
JSON = "application/json"
# text/xml is what the guide and MedlinePlus Connect call their (Atom) XML response.
RESPONSE_TYPES = ("text/xml", ATOM, JSON)
RECIPIENTS = ("PAT", "PROV", "PAYOR")


class KnowledgeRequestSchema(Schema):
    code = ma.fields.String(
        required=True,
        data_key="mainSearchCriteria.v.c",
        validate=ma.validate.Length(min=1, max=60),
        metadata={"description": "The code, e.g. M54.50 (ICD-10-CM) or 161891005 (SNOMED CT)"},
    )
    code_system = ma.fields.String(
        required=True,
        data_key="mainSearchCriteria.v.cs",
        validate=ma.validate.Length(min=1, max=64),
        metadata={
            "description": "OID of the code system: 2.16.840.1.113883.6.90 (ICD-10-CM), "
            "2.16.840.1.113883.6.96 (SNOMED CT) or 2.16.840.1.113883.6.177 (MeSH)"
        },
    )
    display_name = ma.fields.String(
        data_key="mainSearchCriteria.v.dn",
        validate=ma.validate.Length(max=300),
        metadata={"description": "The code's display name; echoed in the response"},
    )
    original_text = ma.fields.String(
        data_key="mainSearchCriteria.v.ot",
        validate=ma.validate.Length(max=300),
        metadata={"description": "The text the clinician saw; echoed in the response"},
    )
    recipient = ma.fields.String(
        data_key="informationRecipient",
        validate=ma.validate.OneOf(RECIPIENTS),
        metadata={"description": "Who will read it: PAT (patient), PROV (provider), PAYOR"},
    )
    language = ma.fields.String(
        data_key="informationRecipient.languageCode.c",
        validate=[
            ma.validate.Length(max=35),
            ma.validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", error="Not a language tag."),
        ],
        metadata={
            "description": "Language of the articles (BCP 47, e.g. en); `en` also matches "
            "en-US. Default: every language"
        },
    )
    task = ma.fields.String(
        data_key="taskContext.c.c",
        validate=[
            ma.validate.Length(max=40),
            ma.validate.Regexp(r"^[A-Za-z0-9_]+$", error="Not an HL7 task code."),
        ],
        metadata={"description": "HL7 ActTaskCode, e.g. PROBLISTREV; echoed in the response"},
    )
    response_type = ma.fields.String(
        data_key="knowledgeResponseType",
        load_default="text/xml",
        validate=ma.validate.OneOf(RESPONSE_TYPES),
        metadata={
            "description": "text/xml or application/atom+xml: an Atom feed (default); "
            "application/json: the same feed as JSON"
        },
    )
