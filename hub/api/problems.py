"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    """Each bad field as {field, rule}: the field's path and the rule it breaks."""
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "rule": e["msg"], "type": e["type"]} for e in errors
    ]


def install(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        title = {404: "Not found", 401: "Unauthorised", 403: "Forbidden", 409: "Conflict"}.get(
            exc.status_code, "Error"
        )
        response = problem(exc.status_code, title, str(exc.detail), instance=request.url.path)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = validation_errors(exc.errors())
        return problem(
            422,
            "The request is not valid",
            f"{len(errors)} field(s) break a rule; nothing was accepted",
            instance=request.url.path,
            errors=errors,
        )

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
