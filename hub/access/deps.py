"""The data-sharing policy as a request dependency (loaded once per app from settings)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from hub.access.policy import Policy, load_policy


async def get_policy(request: Request) -> Policy:
    # Async (no thread pool round trip): the rules are read once per app, then this is a lookup.
    state = request.app.state
    policy: Policy | None = getattr(state, "policy", None)
    if policy is None:
        policy = load_policy(state.settings)
        state.policy = policy
    return policy


PolicyDep = Annotated[Policy, Depends(get_policy)]
