"""``citizen-hub token``: sign-in tokens and links for people, API keys for systems."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from hub.auth import Role, create_token
from hub.auth import api_keys as keys
from hub.auth.keys import KeyMaterialError
from hub.auth.tokens import sign_in_link

token_app = typer.Typer(help="Sign-in tokens and API keys.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


@token_app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="agent, supervisor, citizen or admin")],
    subject: Annotated[str, typer.Option(help="Who: a staff id, or for a resident their citizen id")],
    purpose: Annotated[str | None, typer.Option(help="Why they look, e.g. council_tax_reduction")] = None,
    line: Annotated[str | None, typer.Option(help="Line of business, e.g. council_tax")] = None,
    name: Annotated[str | None, typer.Option(help="Name shown on the pages")] = None,
    ttl_minutes: Annotated[int | None, typer.Option(help="Lifetime; default token_ttl_minutes")] = None,
    link: Annotated[
        str | None, typer.Option(help="Print a browser sign-in link on this base URL instead of the token")
    ] = None,
) -> None:
    """Print a signed token (for ``Authorization: Bearer``) or a sign-in link."""
    from hub.cli.main import load_settings

    if role is Role.SYSTEM:
        raise _fail("systems use API keys: citizen-hub token api-key --name SYSTEM")
    settings = load_settings()
    try:
        token = create_token(
            settings, role, subject, name=name, line=line, purpose=purpose,
            ttl=timedelta(minutes=ttl_minutes) if ttl_minutes else None,
        )  # fmt: skip
    except KeyMaterialError as error:
        raise _fail(str(error)) from None
    typer.echo(sign_in_link(link, token) if link else token)


@token_app.command("api-key")
def api_key(
    name: Annotated[str, typer.Option(help="The source system the key speaks for, e.g. council_tax")],
    role: Annotated[Role, typer.Option(help="system (push events) or admin")] = Role.SYSTEM,
) -> None:
    """Make a new API key: give the key to the system, put the settings entry in CITIZEN_HUB_API_KEYS."""
    if role is Role.CITIZEN:
        raise _fail("residents sign in with tokens, not API keys")
    key = keys.new_key()
    typer.echo(f"key (give it to {name}; it is not stored anywhere): {key}")
    typer.echo(f"settings entry for CITIZEN_HUB_API_KEYS: {keys.settings_entry(name, role, key)}")
