"""Hide credentials and tokens before an exchange is written down.

Bodies are masked by shape: XML element text, JSON string values and form
fields whose name is a secret; headers by name. A body is masked whole and
cut afterwards, so a secret is never half kept; a body far past the cut is
first trimmed and masked by pattern, so a huge upload costs no full parse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

MASK = "***"
# Names hidden in every room, whatever it adds.
SHARED_SECRETS = frozenset({"password", "client_secret", "access_token", "refresh_token", "token", "sessionid",
                            "api_key", "apikey", "secret"})
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"})


def _folded(names: Iterable[str]) -> frozenset[str]:
    return frozenset(n.casefold() for n in names)


def mask_headers(headers: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Headers as ``[name, value]`` pairs; credentials and cookie values hidden, cookie names kept."""
    out = []
    for name, value in headers:
        low = name.lower()
        if low in ("cookie", "set-cookie"):
            value = _mask_cookie(value, low == "set-cookie")
        elif low in SECRET_HEADERS:
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {MASK}" if rest else MASK
        out.append([name, value])
    return out


def _mask_cookie(value: str, set_cookie: bool) -> str:
    if set_cookie:  # "name=value; Path=/; HttpOnly": only the first pair is the cookie
        first, sep, attrs = value.partition(";")
        key, eq, _ = first.partition("=")
        return f"{key}{eq}{MASK}{sep}{attrs}" if eq else value
    parts = []
    for part in value.split(";"):
        key, eq, _ = part.strip().partition("=")
        parts.append(f"{key}={MASK}" if eq else part.strip())
    return "; ".join(parts)


def _xml_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names))
    # <password>secret</password>, with any CDATA inside; tag names matched without regard to case.
    return re.compile(rf"(<(?:{alternatives})(?:\s[^>]*)?>)(.*?)(</(?:{alternatives})\s*>)", re.IGNORECASE | re.DOTALL)


_XML_CACHE: dict[frozenset[str], re.Pattern[str]] = {}


def _mask_json(value: Any, names: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if isinstance(k, str) and k.casefold() in names and v not in (None, "")
                    else _mask_json(v, names)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_json(v, names) for v in value]
    return value


def mask_body(body: bytes, content_type: str, secrets: Iterable[str] = ()) -> str:
    """The body as text with every secret's value replaced by ``***``."""
    names = SHARED_SECRETS | _folded(secrets)
    text = body.decode("utf-8", "replace")
    if not text.strip():
        return text
    lowered = text.lower()
    if not any(name in lowered for name in names):  # the usual case: nothing to hide, nothing to parse
        return text
    kind = content_type.split(";")[0].strip().lower()
    stripped = text.lstrip()
    if "json" in kind or (not kind and stripped[:1] in "{["):
        try:
            return json.dumps(_mask_json(json.loads(text), names), ensure_ascii=False)
        except ValueError:
            pass
    if kind == "application/x-www-form-urlencoded":
        pairs = parse_qsl(text, keep_blank_values=True)
        return urlencode([(k, MASK if k.casefold() in names else v) for k, v in pairs])
    if stripped.startswith("<"):
        return pattern_for(names).sub(_xml_masked, text)
    return _mask_loose(text, names)


def pattern_for(names: frozenset[str]) -> re.Pattern[str]:
    pattern = _XML_CACHE.get(names)
    if pattern is None:
        pattern = _XML_CACHE[names] = _xml_pattern(names)
    return pattern


def _xml_masked(match: re.Match[str]) -> str:
    return match.group(1) + (MASK if match.group(2).strip() else match.group(2)) + match.group(3)


def _mask_loose(text: str, names: frozenset[str]) -> str:
    """Unparseable text: still hide ``"password": "…"`` and ``password=…`` wherever they appear."""
    alternatives = "|".join(re.escape(n) for n in sorted(names))
    text = re.sub(rf'("(?:{alternatives})"\s*:\s*")([^"]*)(")', rf"\1{MASK}\3", text, flags=re.IGNORECASE)
    return re.sub(rf"\b((?:{alternatives})=)([^&\s]*)", rf"\1{MASK}", text, flags=re.IGNORECASE)


def kept_body(body: bytes, content_type: str, secrets: Iterable[str], limit: int) -> tuple[str, bool]:
    """The masked body cut to ``limit`` characters (0: no cut); True when something was cut."""
    if limit > 0 and len(body) > 4 * limit:
        names = SHARED_SECRETS | _folded(secrets)
        text = _mask_loose(body[: 2 * limit].decode("utf-8", "replace"), names)
        text = (pattern_for(names).sub(_xml_masked, text) if text.lstrip().startswith("<") else text)
        return text[:limit], True
    text = mask_body(body, content_type, secrets)
    if limit <= 0 or len(text) <= limit:
        return text, False
    return text[:limit], True
