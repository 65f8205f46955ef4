"""Acumatica's failure shapes.

Two families reach the wire:

* ``HttpError`` bodies ``{message, exceptionMessage, exceptionType, stackTrace}``
  (plus ``modelState`` for binding failures) for 400/401/404/412/429/500;
* a 422 that echoes the entity with ``error`` set inside each bad field's
  wrapper (``Invalid`` carries the rendered entity).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

GENERIC = "An error has occurred."
NO_ENTITY = "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
PX_EXCEPTION = "PX.Data.PXException"
UNDEFINED_COMPANY = "PX.Data.PXUndefinedCompanyException"
ACTION_DISABLED = "PX.Data.PXActionDisabledException"
ODATA = "Microsoft.Data.OData.ODataException"
LICENSE = "PX.Data.PXException"


class AcumaticaError(Exception):
    """A failure answered with an ``HttpError`` body."""

    def __init__(
        self,
        status: int,
        message: str = GENERIC,
        *,
        exception_message: str | None = None,
        exception_type: str | None = None,
        model_state: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(exception_message or message)
        self.status = status
        self.message = message
        self.exception_message = exception_message
        self.exception_type = exception_type
        self.model_state = model_state
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.exception_message is not None:
            body["exceptionMessage"] = self.exception_message
            body["exceptionType"] = self.exception_type
            # Real servers send a .NET stack trace; an empty one keeps the key without noise.
            body["stackTrace"] = ""
        if self.model_state is not None:
            body["modelState"] = self.model_state
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class Invalid(Exception):
    """Validation failed: answer 422 with the entity echoed and field-level ``error``s."""

    def __init__(self, echo: dict[str, Any]) -> None:
        super().__init__(echo.get("error", "invalid entity"))
        self.echo = echo

    def response(self) -> JSONResponse:
        return JSONResponse(self.echo, status_code=422)


class BusinessError(Exception):
    """A rule broken by a record (raised inside the rules, turned into field errors or an HttpError)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def server_error(message: str, exception_type: str = PX_EXCEPTION) -> AcumaticaError:
    return AcumaticaError(500, GENERIC, exception_message=message, exception_type=exception_type)


def no_entity() -> AcumaticaError:
    return server_error("No entity satisfies the condition.", NO_ENTITY)


def not_found(message: str) -> AcumaticaError:
    return AcumaticaError(404, message)


def bad_request(message: str, key: str = "entity") -> AcumaticaError:
    """A body the model binder could not read (Web API's modelState form)."""
    return AcumaticaError(400, "The request is invalid.", model_state={key: [message]})


def model_state(errors: dict[str, list[str]]) -> AcumaticaError:
    return AcumaticaError(400, "The request is invalid.", model_state=errors)


def precondition(message: str) -> AcumaticaError:
    return AcumaticaError(412, GENERIC, exception_message=message, exception_type=PX_EXCEPTION)


def action_disabled(action: str) -> AcumaticaError:
    return server_error(f"The {action} action is disabled.", ACTION_DISABLED)


def method_not_allowed(method: str) -> AcumaticaError:
    return AcumaticaError(405, f"The requested resource does not support http method '{method}'.")
