"""The citizen page as a member of staff reads it."""

from __future__ import annotations

import pytest

from tests.integration.web.conftest import Hub

pytestmark = pytest.mark.integration


async def test_references_are_named_as_staff_say_them(shared_hub: Hub) -> None:
    """A reference's scheme is named in words (``UPRN``, ``Council tax ref``), never as its code reads
    when capitalised (``Nino``, ``Uprn``)."""
    cookies, headers, _form = shared_hub.browser("supervisor")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    response = await shared_hub.client.get(
        f"/citizens/{shared_hub.showcase}", headers={**headers, "Cookie": cookie}
    )
    assert response.status_code == 200
    assert "UPRN: 100011999993" in response.text
    assert "Council tax ref: COUNCIL_TAX-CT1" in response.text
    assert "Uprn:" not in response.text
