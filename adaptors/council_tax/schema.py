"""The reference council tax database: a 1990s-style schema, created on SQLite or MariaDB.

Quirks, on purpose (a real one looks like this): upper-case ``SURNAME, FORENAMES`` names, dates as
CHAR(8) ``YYYYMMDD`` (``00`` for an unknown month or day), five free address lines and a postcode with no
space, several liable parties per account, ``LAST_UPDATED`` to the second, and a deletions table that a
trigger-like routine fills when a party is removed.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


def _address(prefix: str) -> list[sa.Column[str]]:
    return [sa.Column(f"{prefix}{i}", sa.String(40)) for i in range(1, 6)]


property_ = sa.Table(
    "CTAX_PROPERTY",
    metadata,
    sa.Column("PROP_REF", sa.String(14), primary_key=True),
    sa.Column("UPRN", sa.String(12)),
    *_address("ADDR"),
    sa.Column("POSTCODE", sa.String(8)),
    sa.Column("BAND", sa.String(1)),
)

account = sa.Table(
    "CTAX_ACCOUNT",
    metadata,
    sa.Column("ACCOUNT_REF", sa.String(20), primary_key=True),
    sa.Column("PROP_REF", sa.String(14), sa.ForeignKey("CTAX_PROPERTY.PROP_REF"), nullable=False),
    sa.Column("START_DATE", sa.CHAR(8)),
    sa.Column("END_DATE", sa.CHAR(8)),
    sa.Column("STATUS", sa.CHAR(1), nullable=False, server_default="L"),
)

party = sa.Table(
    "CTAX_PARTY",
    metadata,
    sa.Column("PARTY_REF", sa.String(40), primary_key=True),
    sa.Column("ACCOUNT_REF", sa.String(20), sa.ForeignKey("CTAX_ACCOUNT.ACCOUNT_REF"), nullable=False),
    sa.Column("PARTY_SEQ", sa.Integer, nullable=False),
    sa.Column("TITLE", sa.String(10)),
    sa.Column("PARTY_NAME", sa.String(80), nullable=False),
    sa.Column("DOB", sa.CHAR(8)),
    sa.Column("NINO", sa.String(12)),
    sa.Column("PHONE", sa.String(20)),
    sa.Column("EMAIL", sa.String(80)),
    sa.Column("DECEASED", sa.CHAR(1), nullable=False, server_default="N"),
    *_address("CORR_ADDR"),
    sa.Column("CORR_POSTCODE", sa.String(8)),
    sa.Column("LAST_UPDATED", sa.DateTime, nullable=False),
    sa.Column("UPDATED_BY", sa.String(8), nullable=False, server_default="SYSTEM"),
    sa.Index("IX_PARTY_LAST_UPDATED", "LAST_UPDATED", "PARTY_REF"),
)

transaction = sa.Table(
    "CTAX_TRANSACTION",
    metadata,
    sa.Column("TXN_ID", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("TXN_REF", sa.String(80), nullable=False, unique=True),
    sa.Column("ACCOUNT_REF", sa.String(20), nullable=False),
    sa.Column("PARTY_REF", sa.String(40), nullable=False),
    sa.Column("TXN_TYPE", sa.String(4), nullable=False),
    sa.Column("TXN_DATE", sa.CHAR(8), nullable=False),
    sa.Column("TXN_TIME", sa.CHAR(6), nullable=False, server_default="000000"),
    sa.Column("AMOUNT_PENCE", sa.Integer),
    sa.Column("TXN_TEXT", sa.String(200)),
    sa.Column("TXN_NOTES", sa.String(500)),
    sa.Column("LAST_UPDATED", sa.DateTime, nullable=False),
    sa.Index("IX_TXN_LAST_UPDATED", "LAST_UPDATED", "TXN_REF"),
)

deletion = sa.Table(
    "CTAX_DELETIONS",
    metadata,
    sa.Column("DEL_ID", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("PARTY_REF", sa.String(40), nullable=False),
    sa.Column("ACCOUNT_REF", sa.String(20)),
    sa.Column("DELETED_AT", sa.DateTime, nullable=False),
)


def create_schema(engine: sa.Engine) -> None:
    metadata.create_all(engine)


def drop_schema(engine: sa.Engine) -> None:
    metadata.drop_all(engine)
