"""Company-level API 3.0 functions that discovery tools call: ``getUserPermissions`` and ``getDimensions``."""

from __future__ import annotations

from lxml import etree

from simulator.intacct import errors, models
from simulator.intacct.functions import Call, Result, required_child
from simulator.intacct.schema import OBJECTS
from simulator.intacct.wire import sub


def user_exists(call: Call, login: str) -> bool:
    return models.find(call.ctx, "USERINFO", login) is not None or login in call.ctx.config.get("users", {})


def get_user_permissions(call: Call, fn: etree._Element) -> Result:
    """``<getUserPermissions><userId>…</userId>`` -> ``<permissions><appSubscription>…`` (rights pipe-joined)."""
    login = required_child(fn, "userId")
    if not user_exists(call, login):
        # Reference §1.6: BL03000025, "Login ID unittest does not exist.", on getUserPermissions.
        raise errors.FunctionFailure(errors.ErrorDetail(
            "BL03000025", description2=f"Login ID {login} does not exist.",
            correction="Provide a valid USER.LOGINID value."))
    config = call.ctx.config.get("user_permissions", {})
    granted = config.get(login, config.get("*", {}))
    data = etree.Element("data")
    box = sub(data, "permissions")
    for application, policies in granted.items():
        app = sub(box, "appSubscription")
        sub(app, "applicationName", application)
        holder = sub(app, "policies")
        for policy, rights in policies.items():
            el = sub(holder, "policy")
            sub(el, "policyName", policy)
            sub(el, "rights", rights)
    return Result(data=data)


def get_dimensions(call: Call, fn: etree._Element) -> Result:
    """The company's dimensions, standard first, each with its object and whether GL entries carry it."""
    data = etree.Element("data")
    box = sub(data, "dimensions")
    for entry in call.ctx.config.get("dimensions", []):
        name = entry["object"]
        obj = OBJECTS.get(name)
        label = entry.get("label") or (obj.label if obj else name.title())
        dim = sub(box, "dimension")
        sub(dim, "objectName", name)
        sub(dim, "objectLabel", label)
        sub(dim, "termLabel", entry.get("term", label))
        sub(dim, "userDefinedDimension", "true" if entry.get("user_defined") else "false")
        sub(dim, "enabledInGL", "true" if entry.get("in_gl", True) else "false")
    return Result(data=data)


FUNCTIONS = {"getUserPermissions": get_user_permissions, "getDimensions": get_dimensions}
