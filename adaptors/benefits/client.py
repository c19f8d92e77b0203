"""The zeep client of the benefits SOAP service: WSDL loaded once, explicit timeouts, retries with jitter,
and hardened XML parsing (no DTDs, no entities, no external references). A hostile response (XXE,
billion laughs) is refused before anything in it is used."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential
from zeep import AsyncClient, Settings
from zeep.exceptions import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    Fault,
    TransportError,
    XMLSyntaxError,
)
from zeep.transports import AsyncTransport

from adaptors.runtime.ports import SourceUnavailable

log = structlog.get_logger("adaptors.benefits")

HARDENED = Settings(
    strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True, xml_huge_tree=False
)
_HOSTILE = (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, XMLSyntaxError)


class HostileResponse(SourceUnavailable):
    """The service answered with XML we refuse to parse (a DTD, entities or external references)."""


class _Retryable(Exception):
    pass


class BenefitsClient:
    """Calls the benefits service's operations; raises ``SourceUnavailable`` when it cannot."""

    def __init__(
        self, wsdl_url: str, *, timeout_s: float = 10.0, attempts: int = 3, backoff_s: float = 0.2
    ) -> None:
        self.wsdl_url = wsdl_url
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._client: AsyncClient | None = None
        self._transport: AsyncTransport | None = None
        self.calls = 0

    async def _ready(self) -> AsyncClient:
        if self._client is None:
            timeout = httpx.Timeout(self.timeout_s)
            transport = AsyncTransport(  # type: ignore[no-untyped-call]
                client=httpx.AsyncClient(timeout=timeout), wsdl_client=httpx.Client(timeout=timeout)
            )
            try:
                self._client = await asyncio.to_thread(
                    AsyncClient, self.wsdl_url, transport=transport, settings=HARDENED
                )
            except _HOSTILE as error:
                await _close(transport)
                raise HostileResponse(f"WSDL refused: {type(error).__name__}") from error
            except (httpx.HTTPError, TransportError, OSError) as error:
                await _close(transport)
                raise SourceUnavailable(f"benefits WSDL not reachable ({type(error).__name__})") from error
            self._transport = transport
        return self._client

    async def call(self, operation: str, *args: Any) -> Any:
        """Call ``operation``; transport errors, timeouts and Server faults are retried ``attempts`` times.

        Raises:
            HostileResponse: the reply carried a DTD, entities or external references (never retried).
            SourceUnavailable: the service did not answer properly after every attempt.
            zeep.exceptions.Fault: a Client fault (the request was refused; the caller decides).
        """
        client = await self._ready()
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            wait=wait_random_exponential(multiplier=self.backoff_s, max=2.0),
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._call_once(client, operation, args)
        except _Retryable as error:
            raise SourceUnavailable(str(error)) from error.__cause__
        raise AssertionError("unreachable")

    async def _call_once(self, client: AsyncClient, operation: str, args: tuple[Any, ...]) -> Any:
        self.calls += 1
        try:
            return await getattr(client.service, operation)(*args)
        except _HOSTILE as error:
            log.error("benefits.hostile_response", operation=operation, refused=type(error).__name__)
            raise HostileResponse(
                f"{operation} response refused: {type(error).__name__} (not parsed)"
            ) from error
        except TransportError as error:
            if "amplification" in str(error.message or "").lower():
                raise HostileResponse(f"{operation} response refused: entity amplification") from error
            raise _Retryable(f"{operation}: HTTP {error.status_code}") from error
        except httpx.TimeoutException as error:
            raise _Retryable(f"{operation}: timed out after {self.timeout_s}s") from error
        except httpx.HTTPError as error:
            raise _Retryable(f"{operation}: {type(error).__name__}") from error
        except Fault as error:
            if str(error.code or "").split(":")[-1].startswith("Client"):
                raise
            raise _Retryable(f"{operation}: SOAP fault {error.code}") from error

    async def aclose(self) -> None:
        if self._transport is not None:
            await _close(self._transport)
        self._client = self._transport = None


async def _close(transport: AsyncTransport) -> None:
    await transport.aclose()  # type: ignore[no-untyped-call]
    transport.wsdl_client.close()
