"""Intacct's error vocabulary: every failure carries the real errorno and message shape."""

from __future__ import annotations

from dataclasses import dataclass

ROLLED_BACK = "The entire transaction in this operation has been rolled back due to an error."


@dataclass(frozen=True)
class ErrorDetail:
    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""


class IntacctError(Exception):
    """A failure with one or more ``<error>`` entries, most specific first."""

    def __init__(self, *details: ErrorDetail) -> None:
        super().__init__(details[0].description2 or details[0].description if details else "")
        self.details = list(details)


class ControlFailure(IntacctError):
    """Fails the whole request before any operation runs (``response/errormessage``)."""

    def __init__(self, *details: ErrorDetail, http_status: int = 200, gateway: bool = False) -> None:
        super().__init__(*details)
        self.http_status = http_status
        # Gateway (GW-/XMLGW_) errors come back with a bare control block.
        self.gateway = gateway


class AuthFailure(IntacctError):
    """Fails one operation's authentication; no function in it runs."""

    def __init__(self, *details: ErrorDetail, userid: str = "", companyid: str = "") -> None:
        super().__init__(*details)
        self.userid = userid
        self.companyid = companyid


class FunctionFailure(IntacctError):
    """Fails one function; the others in the operation still run unless it is a transaction."""


def parse_error(message: str) -> ControlFailure:
    return ControlFailure(ErrorDetail("XL03000003", description2=f"XML Parse schema error: {message}"))


def generic(obj: str, action: str = "create") -> ErrorDetail:
    verb = {"create": "create", "update": "update", "delete": "delete"}.get(action, action)
    return ErrorDetail("BL01001973", description2=f"Could not {verb} {obj} record!")


def failure(obj: str, detail: ErrorDetail, action: str = "create") -> FunctionFailure:
    """The specific error first, then Intacct's generic one, as the real gateway answers."""
    return FunctionFailure(detail, generic(obj, action))


def duplicate(obj_label: str, value: str, obj: str) -> FunctionFailure:
    # The real message has two spaces before "already exists".
    return failure(
        obj.lower(),
        ErrorDetail("BL34000061", description2=f"Another {obj_label} with the given value(s) {value}  already exists",
                    correction="Use a unique value instead."),
    )


def invalid(obj: str, message: str, action: str = "create", correction: str = "") -> FunctionFailure:
    return failure(obj.lower(), ErrorDetail("BL01001973", description2=message, correction=correction), action)


def bad_format(obj: str, message: str, action: str = "create") -> FunctionFailure:
    return failure(obj.lower(), ErrorDetail("BL03000018", description2=message), action)
