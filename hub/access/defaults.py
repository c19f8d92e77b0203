"""The default data-sharing rules (written down for people in docs/access.md; tested in
tests/unit/web/test_access_policy.py). A council replaces them with ``data_sharing_file``.

Shape: ``roles`` -> role -> ``lines`` -> line of business -> which source systems that line may see, each
under a named agreement and, where the agreement says so, only for some purposes. ``"*"`` as a line means
any line; ``"*"`` as a system means every system, including ones added later.
"""

from __future__ import annotations

from typing import Any

SAFEGUARDING_CONTACT = "the Safeguarding Team (safeguarding@council.example, extension 4400)"

OWN = "own service record"
CONTACT_CENTRE = "Corporate contact-centre privacy notice"
OCCUPANCY = "Revenues and Housing occupancy data-sharing agreement"
CTR = "Council Tax Reduction data-sharing agreement"
HB = "Housing Benefit and rent data-sharing agreement"
WEB = "Resident's own report through the council website"

DEFAULT_POLICY: dict[str, Any] = {
    "protected_address": {
        "viewers": ["supervisor", "admin"],
        "ask": SAFEGUARDING_CONTACT,
    },
    "roles": {
        "agent": {
            "default_line": "general",
            "lines": {
                "general": {
                    "purposes": ["general_enquiry", "vulnerability_support"],
                    "systems": {
                        "council_tax": {"agreement": CONTACT_CENTRE},
                        "housing": {"agreement": CONTACT_CENTRE},
                        "web_channel": {"agreement": WEB},
                        "benefits": {"agreement": CTR, "purposes": ["vulnerability_support"]},
                    },
                },
                "council_tax": {
                    "purposes": ["council_tax_enquiry", "council_tax_reduction"],
                    "systems": {
                        "council_tax": {"agreement": OWN},
                        "housing": {"agreement": OCCUPANCY},
                        "web_channel": {"agreement": WEB},
                        "benefits": {"agreement": CTR, "purposes": ["council_tax_reduction"]},
                    },
                },
                "benefits": {
                    "purposes": ["benefits_enquiry"],
                    "systems": {
                        "benefits": {"agreement": OWN},
                        "council_tax": {"agreement": CTR},
                        "housing": {"agreement": HB},
                        "web_channel": {"agreement": WEB},
                    },
                },
                "housing": {
                    "purposes": ["housing_enquiry", "rent_arrears"],
                    "systems": {
                        "housing": {"agreement": OWN},
                        "council_tax": {"agreement": OCCUPANCY},
                        "web_channel": {"agreement": WEB},
                        "benefits": {"agreement": HB, "purposes": ["rent_arrears"]},
                    },
                },
            },
        },
        "supervisor": {
            "lines": {
                "*": {"purposes": ["data_quality"], "systems": {"*": {"agreement": "Data stewardship"}}}
            }
        },
        "admin": {
            "lines": {
                "*": {
                    "purposes": ["audit", "subject_access"],
                    "systems": {"*": {"agreement": "Information governance"}},
                }
            }
        },
    },
}
