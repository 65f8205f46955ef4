"""The OpenAPI 3 document, generated from the same table definitions the server validates against."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from simulator import __version__
from simulator.sage100.config import MAX_PAGE_SIZE
from simulator.sage100.tables import MAX_JOB_NUMBER, TABLES, Column, Table

JSON = "application/json"
ERRORS = {"400": "The request is malformed or a value breaks its column's definition",
          "401": "No valid session", "403": "Not allowed", "404": "No such table or record",
          "409": "The company's books refuse it: a missing reference, a duplicate or one of Sage's rules",
          "413": "The body is larger than the company allows"}


def _number(value: Any) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def column_schema(column: Column, *, write: bool) -> dict[str, Any]:
    schema: dict[str, Any]
    if column.type == "int":
        schema = {"type": "integer"}
        if column.enum is not None:
            schema["enum"] = list(column.enum)
        else:
            if column.minimum is not None:
                schema["minimum"] = column.minimum
            if column.maximum is not None:
                schema["maximum"] = column.maximum
    elif column.type == "decimal":
        schema = {"type": "number",
                  "minimum": _number(column.minimum if column.minimum is not None else -column.limit),
                  "maximum": _number(column.maximum if column.maximum is not None else column.limit)}
        if write:
            schema["multipleOf"] = float(column.scale)
    elif column.type == "str":
        schema = {"type": "string", "maxLength": column.length}
        if column.pattern and write:
            schema["pattern"] = column.pattern
    elif column.type == "date":
        schema = {"type": "string", "format": "date"}
    elif column.type == "datetime":
        schema = {"type": "string", "format": "date-time"}
    else:
        schema = {"type": "boolean"}
    parts = [column.label]
    if column.type == "decimal":
        parts.append(f"decimal({column.digits + column.places},{column.places})")  # type: ignore[operator]
    if column.enum is not None:
        parts.append("; ".join(f"{k}-{v}" for k, v in column.enum.items()))
    if column.doc:
        parts.append(column.doc)
    if column.ref:
        parts.append(f"Refers to {column.ref}.")
    schema["description"] = ". ".join(p.rstrip(".") for p in parts) + "."
    if column.default is not None:
        schema["default"] = _number(column.default) if column.type == "decimal" else column.default
    if (not write and column.name != "_idnum") or (write and not column.required and column.default is None):
        schema["nullable"] = True
        if "enum" in schema:
            # OpenAPI 3.0: nullable does not widen an enum; null must be listed to be valid.
            schema["enum"].append(None)
    return schema


def not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A column's schema where null is not accepted (path keys, query filters)."""
    schema.pop("nullable", None)
    schema.pop("default", None)
    if "enum" in schema:
        schema["enum"] = [v for v in schema["enum"] if v is not None]
    return schema


def record_schema(table: Table) -> dict[str, Any]:
    props = {c.name: column_schema(c, write=False) for c in table.columns}
    if table.lines:
        props[table.lines] = {"type": "array", "items": {"$ref": f"#/components/schemas/{table.lines}"},
                              "description": f"The {TABLES[table.lines].title.lower()} (in full retrieves)."}
    return {"type": "object", "title": f"{table.name}: {table.title} ({table.window})", "description": table.doc,
            "properties": props, "required": [c.name for c in table.columns]}


def insert_schema(table: Table, *, nested: bool = False) -> dict[str, Any]:
    columns = [c for c in table.columns if not c.readonly and not (nested and c.name == table.link)]
    schema: dict[str, Any] = {
        "type": "object", "additionalProperties": False,
        "properties": {c.name: column_schema(c, write=True) for c in columns},
    }
    required = [c.name for c in columns if c.required]
    if required:
        schema["required"] = required
    if table.lines:
        schema["properties"][table.lines] = {
            "type": "array", "items": {"$ref": f"#/components/schemas/{table.lines}.nested"},
            "description": f"{TABLES[table.lines].title} to insert with the record."}
    return schema


def modify_schema(table: Table) -> dict[str, Any]:
    columns = [c for c in table.columns if not c.readonly and not c.key]
    return {"type": "object", "additionalProperties": False,
            "description": "Only the columns to change. Key and read-only columns may be sent back unchanged.",
            "properties": {c.name: column_schema(c, write=True) for c in columns}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*codes: str) -> dict[str, Any]:
    out = {code: {"$ref": f"#/components/responses/{code}"} for code in codes}
    out["default"] = {"$ref": "#/components/responses/Error"}
    return out


def _path_key(table: Table) -> dict[str, Any]:
    schema = not_null(column_schema(table.key, write=True))
    return {"name": table.key_column, "in": "path", "required": True, "schema": schema,
            "description": "The record's " + ("_idnum" if table.key_column == "_idnum" else "recnum")}


def _filters(table: Table) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
         "description": "Rows per page (company default 100)."},
        {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_JOB_NUMBER},
         "description": "Keyset paging: rows with _idnum greater than this (use next_after)."},
        {"name": "updated_since", "in": "query", "schema": {"type": "string", "format": "date-time"},
         "description": "Only rows changed at or after this time (upddte)."},
    ]
    for column in table.columns:
        if column.filter:
            schema = not_null(column_schema(column, write=True))
            params.append({"name": column.name, "in": "query", "schema": schema,
                           "description": f"Only rows whose {column.name} equals this."})
    return params


def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/session": {
            "post": {"operationId": "login", "tags": ["session"], "security": [],
                     "summary": "Open a company as an API user (group API; not supervisor; takes a licence seat)",
                     "requestBody": {"required": True, "content": {JSON: {"schema": _ref("Login")}}},
                     "responses": {"201": _json(_ref("Session"), "Logged in"), **_errors("400", "401", "403", "413")}},
            "get": {"operationId": "session", "tags": ["session"], "summary": "The current session",
                    "responses": {"200": _json(_ref("SessionInfo"), "The session"), **_errors("401")}},
            "delete": {"operationId": "logout", "tags": ["session"], "summary": "Log out, freeing the licence seat",
                       "responses": {"200": _json(_ref("LoggedOut"), "Logged out"), **_errors("401")}},
        },
        "/tables": {"get": {"operationId": "list_tables", "tags": ["tables"], "security": [],
                            "summary": "The tables and their columns",
                            "responses": {"200": _json(_ref("Tables"), "Every table")}}},
    }
    for table in TABLES.values():
        tag = f"{table.name}: {table.title}"
        collection: dict[str, Any] = {
            "get": {"operationId": f"list_{table.name}", "tags": [tag], "summary": f"Retrieve {table.title.lower()}",
                    "parameters": _filters(table),
                    "responses": {"200": _json(_ref(f"{table.name}.page"), "One page of records, by _idnum"),
                                  **_errors("400", "401")}},
        }
        if table.insertable:
            collection["post"] = {
                "operationId": f"insert_{table.name}", "tags": [tag], "summary": f"Insert into {table.name}",
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref(f"{table.name}.insert")}}},
                "responses": {"201": _json(_ref(f"{table.name}.result"), "Inserted (with any warnings)"),
                              **_errors("400", "401", "409", "413")}}
        paths[f"/records/{table.name}"] = collection
        item: dict[str, Any] = {
            "parameters": [_path_key(table)],
            "get": {"operationId": f"retrieve_{table.name}", "tags": [tag], "summary": f"Retrieve one {table.name}",
                    "responses": {"200": _json(_ref(f"{table.name}.one"), "The record"),
                                  **_errors("400", "401", "404")}},
            "patch": {"operationId": f"modify_{table.name}", "tags": [tag], "summary": f"Modify one {table.name}",
                      "requestBody": {"required": True,
                                      "content": {JSON: {"schema": _ref(f"{table.name}.modify")}}},
                      "responses": {"200": _json(_ref(f"{table.name}.result"), "Modified (with any warnings)"),
                                    **_errors("400", "401", "404", "409", "413")}},
        }
        if table.deletable:
            item["delete"] = {"operationId": f"delete_{table.name}", "tags": [tag],
                              "summary": f"Delete one {table.name}",
                              "responses": {"200": _json(_ref("Deleted"), "Deleted"),
                                            **_errors("400", "401", "404", "409")}}
        paths[f"/records/{table.name}/{{{table.key_column}}}"] = item
        for action in table.actions:
            paths[f"/records/{table.name}/{{{table.key_column}}}/{action}"] = {
                "parameters": [_path_key(table)],
                "post": {"operationId": f"{action}_{table.name}", "tags": [tag],
                         "summary": ACTION_SUMMARY[(table.name, action)],
                         "responses": {"200": _json(_ref(f"{table.name}.result"), "Done (with any warnings)"),
                                       **_errors("400", "401", "404", "409")}}}
    return paths


ACTION_SUMMARY = {
    ("actrec", "setbdgt"): "Set Budget: copy the job's current budget to the original budget columns",
    ("acpinv", "post"): "Post the invoice: its job distributions become job cost",
    ("acpinv", "void"): "Void the invoice (status 5-Void): its job cost is voided",
    ("lgrtrn", "post"): "Post the journal transaction: balanced lines; lines with a job become job cost (source 1)",
    ("lgrtrn", "void"): "Void the journal transaction (status 2-Void): its job cost is voided",
    ("payrec", "post"): "Post the payroll record: time card lines with a job become job cost (source 3) with hours",
    ("payrec", "void"): "Void the payroll record (status 2-Void): its job cost is voided",
    ("acrinv", "void"): "Void the receivable invoice (status 5-Void): its balance becomes zero",
}

PROBLEM = {"type": "object", "properties": {
    "table": {"type": "string", "nullable": True},
    "record": {"description": "The record's key (recnum, or header:line for lines); null before one exists"},
    "field": {"type": "string", "nullable": True},
    "rule": {"type": "string", "nullable": True},
    "message": {"type": "string"}}, "required": ["message"]}


@cache
def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Problem": PROBLEM,
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["status", "code", "message", "details"],
            "properties": {**PROBLEM["properties"], "status": {"type": "integer"}, "code": {"type": "string"},
                           "details": {"type": "array", "items": _ref("Problem")}}}}},
        "Login": {"type": "object", "additionalProperties": False, "required": ["company", "username", "password"],
                  "properties": {"company": {"type": "string", "description": "Company name, e.g. Demo Construction"},
                                 "username": {"type": "string"}, "password": {"type": "string"}}},
        "SessionInfo": {"type": "object", "required": ["company", "username", "expires_at", "licence_seats"],
                        "properties": {
                            "company": {"type": "string"}, "username": {"type": "string"},
                            "expires_at": {"type": "string", "format": "date-time"},
                            "session_timeout_minutes": {"type": "number"},
                            "licence_seats": {"type": "object", "required": ["total", "in_use"], "properties": {
                                "total": {"type": "integer"}, "in_use": {"type": "integer"}}}}},
        "LoggedOut": {"type": "object", "required": ["logged_out"], "properties": {"logged_out": {"type": "boolean"}}},
        "Deleted": {"type": "object", "required": ["deleted", "warnings"], "properties": {
            "deleted": {"type": "object", "properties": {"_idnum": {"type": "integer"}, "recnum": {}}},
            "warnings": {"type": "array", "items": _ref("Problem")}}},
        "Tables": {"type": "object", "required": ["tables"], "properties": {"tables": {"type": "array", "items": {
            "type": "object", "required": ["name", "title", "window", "columns"],
            "properties": {"name": {"type": "string"}, "title": {"type": "string"}, "window": {"type": "string"},
                           "columns": {"type": "array", "items": {"type": "object"}}}}}}},
    }
    schemas["Session"] = {**schemas["SessionInfo"], "required": ["token", *schemas["SessionInfo"]["required"]],
                          "properties": {**schemas["SessionInfo"]["properties"], "token": {"type": "string"},
                                         "token_type": {"type": "string", "enum": ["Bearer"]}}}
    for table in TABLES.values():
        schemas[table.name] = record_schema(table)
        schemas[f"{table.name}.insert"] = insert_schema(table)
        schemas[f"{table.name}.modify"] = modify_schema(table)
        if table.header:
            schemas[f"{table.name}.nested"] = insert_schema(table, nested=True)
        schemas[f"{table.name}.one"] = {"type": "object", "required": ["record"],
                                        "properties": {"record": _ref(table.name)}}
        schemas[f"{table.name}.result"] = {"type": "object", "required": ["record", "warnings"], "properties": {
            "record": _ref(table.name), "warnings": {"type": "array", "items": _ref("Problem")}}}
        schemas[f"{table.name}.page"] = {"type": "object", "required": ["table", "count", "next_after", "records"],
                                         "properties": {
                                             "table": {"type": "string"}, "count": {"type": "integer"},
                                             "next_after": {"type": "integer", "nullable": True},
                                             "records": {"type": "array", "items": _ref(table.name)}}}
    responses = {code: _json(_ref("Error"), text) for code, text in ERRORS.items()}
    responses["Error"] = _json(_ref("Error"), "Any other refusal, in the same shape")
    return {
        "openapi": "3.0.3",
        "info": {"title": "Sage 100 Contractor record API (erpsim)", "version": __version__,
                 "description": "Sage 100 Contractor's record model over HTTP: insert, modify, delete and retrieve "
                                "records by table, with Sage's own table and column names. Log in with "
                                "POST /session (demo: company 'Demo Construction', user api, password api) and "
                                "send the token as 'Authorization: Bearer <token>'."},
        "servers": [{"url": "/sage100"}],
        "security": [{"session": []}],
        "paths": _paths(),
        "components": {"schemas": schemas, "responses": responses,
                       "securitySchemes": {"session": {"type": "http", "scheme": "bearer",
                                                       "description": "The token from POST /session"}}},
    }


def tables_listing() -> dict[str, Any]:
    return {"tables": [{
        "name": t.name, "title": t.title, "window": t.window, "key": t.key_column, "numbering": t.numbering,
        "header": t.header, "link": t.link, "lines": t.lines, "actions": list(t.actions), "description": t.doc,
        "columns": [{"name": c.name, **column_schema(c, write=False), "required": c.required,
                     "readonly": c.readonly, "key": c.key, "filter": c.filter} for c in t.columns],
    } for t in TABLES.values()]}
