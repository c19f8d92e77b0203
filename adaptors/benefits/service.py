"""The reference benefits SOAP service (spyne): its own WSDL, GetChangedClaims(since, page), GetPerson and
UpdateCorrespondenceAddress. ``serve`` runs it on wsgiref in a thread (tests, demos)."""

from __future__ import annotations

import importlib.util
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from adaptors.benefits.store import BenefitsStore

# spyne 2.14 bundles an old ``six`` (ImportWarning on 3.11) and imports ``cgi`` (DeprecationWarning):
# harmless here, but fatal where warnings are errors, so they are silenced for this import only.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ImportWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from spyne import (
        Application,
        Array,
        Boolean,
        ComplexModel,
        DateTime,
        Fault,
        Integer,
        ServiceBase,
        Unicode,
        rpc,
    )
    from spyne.protocol.soap import Soap11
    from spyne.server.wsgi import WsgiApplication
    from spyne.util import six as _six


def _modernise_six_importer() -> None:
    """Give spyne's bundled six importer the PEP 451 methods of six 1.16, as six itself did; without them
    every later import of a missing optional module (httpcore's ``import trio``) raises ImportWarning."""
    importer = type(_six._importer)
    if hasattr(importer, "find_spec"):
        return

    def find_spec(self: Any, fullname: str, path: Any, target: Any = None) -> Any:
        return importlib.util.spec_from_loader(fullname, self) if fullname in self.known_modules else None

    importer.find_spec = find_spec
    importer.create_module = lambda self, spec: self.load_module(spec.name)
    importer.exec_module = lambda self, module: None


_modernise_six_importer()


NAMESPACE = "urn:council:benefits:v1"


class Address(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    Line1 = Unicode
    Line2 = Unicode
    Line3 = Unicode
    Line4 = Unicode
    Town = Unicode
    Postcode = Unicode


class Person(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    PersonRef = Unicode
    Role = Unicode
    Title = Unicode
    Forenames = Unicode
    Surname = Unicode
    PreviousSurname = Unicode
    DateOfBirth = Unicode  # DD/MM/YYYY, as the green screens always had it
    NINO = Unicode
    NHSNumber = Unicode
    Uprn = Unicode
    Address = Address
    CorrespondenceAddress = Address
    Phone = Unicode
    Email = Unicode
    Deceased = Boolean
    LastChanged = DateTime
    UpdatedBy = Unicode


class ClaimEvent(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    EventRef = Unicode
    PersonRef = Unicode
    EventType = Unicode
    Status = Unicode
    Description = Unicode
    EventDate = DateTime
    Detail = Unicode


class Claim(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    ClaimRef = Unicode
    BenefitType = Unicode
    Status = Unicode
    People = Array(Person)
    History = Array(ClaimEvent)
    LastChanged = DateTime


class ChangedClaimsPage(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    Claims = Array(Claim)
    Page = Integer
    MorePages = Boolean
    AsOf = DateTime


def _store(ctx: Any) -> BenefitsStore:
    store: BenefitsStore = ctx.app.store
    if store.delay_s:
        time.sleep(store.delay_s)
    if store.fault:
        raise Fault(faultcode="Server.Unavailable", faultstring=store.fault)
    return store


def _person(native: dict[str, Any]) -> Person:
    values = dict(native)
    for key in ("Address", "CorrespondenceAddress"):
        values[key] = Address(**values[key]) if values.get(key) else None
    return Person(**values)


def _claim(native: dict[str, Any]) -> Claim:
    return Claim(
        ClaimRef=native["ClaimRef"],
        BenefitType=native.get("BenefitType"),
        Status=native.get("Status"),
        People=[_person(p) for p in native["People"]],
        History=[ClaimEvent(**e) for e in native["History"]],
        LastChanged=native["LastChanged"],
    )


class BenefitsService(ServiceBase):  # type: ignore[misc]
    @rpc(DateTime, Integer, _returns=ChangedClaimsPage)  # type: ignore[untyped-decorator]
    def GetChangedClaims(ctx: Any, Since: datetime | None, Page: int | None) -> ChangedClaimsPage:  # noqa: N802,N803
        store = _store(ctx)
        claims, more = store.changed_claims(Since, Page or 1)
        return ChangedClaimsPage(
            Claims=[_claim(c) for c in claims],
            Page=Page or 1,
            MorePages=more,
            AsOf=datetime.now().astimezone(),
        )

    @rpc(Unicode, _returns=Person)  # type: ignore[untyped-decorator]
    def GetPerson(ctx: Any, PersonRef: str) -> Person:  # noqa: N802,N803
        found = _store(ctx).person(PersonRef)
        if found is None:
            raise Fault(faultcode="Client.UnknownPerson", faultstring="no such person reference")
        return _person(found)

    @rpc(Unicode, Address, Unicode, _returns=Unicode)  # type: ignore[untyped-decorator]
    def UpdateCorrespondenceAddress(ctx: Any, PersonRef: str, Address: Any, UpdatedBy: str) -> str:  # noqa: N802,N803
        native = {
            k: getattr(Address, k, None) for k in ("Line1", "Line2", "Line3", "Line4", "Town", "Postcode")
        }
        outcome = _store(ctx).update_correspondence_address(PersonRef, native, (UpdatedBy or "SOAP")[:8])
        if outcome == "UNKNOWN":
            raise Fault(faultcode="Client.UnknownPerson", faultstring="no such person reference")
        return outcome


def wsgi_app(store: BenefitsStore) -> WsgiApplication:
    application = Application(
        [BenefitsService],
        tns=NAMESPACE,
        name="BenefitsService",
        in_protocol=Soap11(validator="lxml"),
        out_protocol=Soap11(),
    )
    application.store = store
    return WsgiApplication(application)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


class _ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
        thread.start()

    def _handle(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


@contextmanager
def serve(store: BenefitsStore, host: str = "127.0.0.1", port: int = 0, app: Any = None) -> Iterator[str]:
    """Serve the SOAP service in a thread; yields the WSDL URL. ``app`` replaces the WSGI app (tests)."""
    server = make_server(
        host, port, app or wsgi_app(store), server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}/?wsdl"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
