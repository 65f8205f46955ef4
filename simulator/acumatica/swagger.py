"""The endpoint's OpenAPI 3.0.1 document, generated from the contract definitions.

Layout follows the real ``Default/24.200.001`` file: tags equal entity names,
``operationId`` is ``{Entity}_{GetList|PutEntity|GetById|GetByKeys|DeleteById|
DeleteByKeys|PutFile|GetAdHocSchema|InvokeAction_<Action>|InvokeAction_CustomAction}``,
schemas live in ``components.schemas``, parameters are ``$ref``s. Responses also
document the statuses this server sends that the real file leaves out (400 for a
bad query, 404 for an unknown action, 413, 429), so the document stays the
truth about this server.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from simulator.acumatica.entities import ENDPOINT, PATCH_SINCE, SCHEMAS, TOP_LEVEL, Entity, in_version
from simulator.acumatica.wire import CUSTOM_TYPES

VALUE_TYPES = {
    "StringValue": {"type": "string"},
    "DecimalValue": {"type": "number", "format": "double"},
    "BooleanValue": {"type": "boolean"},
    "DateTimeValue": {"type": "string", "format": "date-time"},
    "IntValue": {"type": "integer", "format": "int32"},
    "ShortValue": {"type": "integer", "format": "int32"},
    "LongValue": {"type": "integer", "format": "int64"},
    "GuidValue": {"type": "string", "format": "uuid"},
    "DoubleValue": {"type": "number", "format": "double"},
    "ByteValue": {"type": "integer", "format": "int32"},
}
CUSTOM_VALUE = {
    "CustomStringField": {"type": "string"}, "CustomDecimalField": {"type": "number", "format": "double"},
    "CustomDoubleField": {"type": "number", "format": "double"}, "CustomBooleanField": {"type": "boolean"},
    "CustomIntField": {"type": "integer", "format": "int32"},
    "CustomShortField": {"type": "integer", "format": "int32"},
    "CustomLongField": {"type": "integer", "format": "int64"},
    "CustomByteField": {"type": "integer", "format": "int32"},
    "CustomDateTimeField": {"type": "string", "format": "date-time"},
    "CustomGuidField": {"type": "string", "format": "uuid"},
}
assert set(CUSTOM_VALUE) == set(CUSTOM_TYPES)


def ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}, "text/json": {"schema": schema}}


def _custom_block() -> dict[str, Any]:
    return {"type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": ref("schemas", "CustomField")}}


def _base_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name, value in VALUE_TYPES.items():
        schemas[name] = {"type": "object", "properties": {"value": value, "error": {"type": "string"}}}
    schemas["Entity"] = {"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"},
        "rowNumber": {"type": "integer", "format": "int64"},
        "note": ref("schemas", "StringValue"),
        "custom": _custom_block(),
        "error": {"type": "string"},
        "files": {"type": "array", "items": ref("schemas", "FileLink")},
    }}
    schemas["FileLink"] = {"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "filename": {"type": "string"},
        "href": {"type": "string", "format": "uri"}, "comment": {"type": "string", "nullable": True}}}
    schemas["HttpError"] = {"type": "object", "properties": {
        "message": {"type": "string"},
        "exceptionMessage": {"type": "string", "nullable": True},
        "exceptionType": {"type": "string", "nullable": True},
        "stackTrace": {"type": "string", "nullable": True},
        "modelState": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "messageDetail": {"type": "string"},
    }, "additionalProperties": {"type": "object"}}
    schemas["CustomField"] = {"required": ["type"], "type": "object", "properties": {"type": {"type": "string"}},
                              "discriminator": {"propertyName": "type"}}
    for name, value in CUSTOM_VALUE.items():
        schemas[name] = {"allOf": [ref("schemas", "CustomField"), {"type": "object", "properties": {
            "value": value, "error": {"type": "string"}}}]}
    return schemas


def _entity_schema(ent: Entity, version: str) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for fld in ent.fields_in(version):
        props[fld.name] = ref("schemas", f"{fld.type}Value")
    for det in ent.details_in(version):
        props[det.name] = {"type": "array", "items": ref("schemas", det.entity)}
    for lnk in ent.links_in(version):
        props[lnk.name] = ref("schemas", lnk.entity)
    return {"allOf": [ref("schemas", "Entity"), {"type": "object", "properties": props}]}


RESPONSES: dict[str, Any] = {
    "ContractBasedControllerBase_401": {"description": "The user is not logged in to the system.",
                                        "content": _json(ref("schemas", "HttpError"))},
    "ContractBasedControllerBase_500": {"description": "Internal server error.",
                                        "content": _json(ref("schemas", "HttpError"))},
    "BadQuery_400": {"description": "The query parameters or the request body could not be read.",
                     "content": _json(ref("schemas", "HttpError"))},
    "License_429": {"description": "The number of requests has exceeded the limit imposed by the license.",
                    "content": _json(ref("schemas", "HttpError"))},
    "PayloadTooLarge_413": {"description": "The request body is larger than the server accepts.",
                            "content": _json(ref("schemas", "HttpError"))},
    "InvokeAction_204": {"description": "The operation that was initiated by the action is completed.",
                         "headers": {"Location": {"description": "A URL that can be used to obtain the processed "
                                                                 "entity through the GET HTTP method.",
                                                  "schema": {"type": "string", "format": "uri"}}}},
    "InvokeAction_202": {"description": "The operation is in progress.",
                         "headers": {"Location": {"description": "A URL that can be used to check the status of "
                                                                 "the operation through the GET HTTP method.",
                                                  "schema": {"type": "string", "format": "uri"}}}},
    "InvokeAction_400": {"description": "The data specified in the request is invalid.",
                         "content": _json(ref("schemas", "HttpError"))},
    "InvokeAction_404": {"description": "The entity has no action with this name.",
                         "content": _json(ref("schemas", "HttpError"))},
    "InvokeAction_412": {"description": "The record the action applies to cannot be used as specified.",
                         "content": _json(ref("schemas", "HttpError"))},
    "DeleteByKeys_204": {"description": "The record is successfully deleted."},
    "DeleteById_204": {"description": "The record is successfully deleted."},
    "PutFile_204": {"description": "The file is successfully attached.",
                    "headers": {"Location": {"description": "A URL that can be used to retrieve the file from the "
                                                            "system.", "schema": {"type": "string", "format": "uri"}}}},
    "PutEntity_400": {"description": "The data specified in the request is invalid.",
                      "content": _json(ref("schemas", "HttpError"))},
    "PatchEntity_404": {"description": "No record satisfies the key fields, the id or the filter.",
                        "content": _json(ref("schemas", "HttpError"))},
    "PutEntity_412": {"description": "Either the header of the request specifies that the entity has to be "
                                     "inserted but an entity with these keys already exists in the database and "
                                     "cannot be inserted, or the header specifies that the entity has to be updated "
                                     "but there is no entity with these keys in the database.",
                      "content": _json(ref("schemas", "HttpError"))},
}

PARAMETERS: dict[str, Any] = {
    "actionName": {"name": "actionName", "in": "path", "required": True, "schema": {"type": "string"}},
    "ids": {"name": "ids", "in": "path", "required": True, "schema": {"type": "string"},
            "description": "The values of the key fields of the record. The values are slash-delimited."},
    "select": {"name": "$select", "in": "query", "schema": {"type": "string"},
               "description": "The fields of the entity to be returned from the system."},
    "filter": {"name": "$filter", "in": "query", "schema": {"type": "string"},
               "description": "The conditions that determine which records should be selected from the system."},
    "expand": {"name": "$expand", "in": "query", "schema": {"type": "string"},
               "description": "The linked and detail entities that should be expanded."},
    "custom": {"name": "$custom", "in": "query", "schema": {"type": "string"},
               "description": "The fields that are not defined in the contract of the endpoint to be returned "
                              "from the system."},
    "filename": {"name": "filename", "in": "path", "required": True, "schema": {"type": "string"},
                 "description": "The name of the file that you are going to attach with the extension."},
    "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"},
           "description": "The session ID of the record."},
    "skip": {"name": "$skip", "in": "query", "schema": {"type": "integer", "format": "int32"},
             "description": "The number of records to be skipped from the list of returned records."},
    "top": {"name": "$top", "in": "query", "schema": {"type": "integer", "format": "int32"},
            "description": "The number of records to be returned from the system."},
}


def _common(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {"401": ref("responses", "ContractBasedControllerBase_401"),
           "429": ref("responses", "License_429"),
           "500": ref("responses", "ContractBasedControllerBase_500")}
    out.update(extra or {})
    return out


def _paths(ent: Entity, version: str) -> dict[str, Any]:
    name = ent.name
    tag = [name]
    query = [ref("parameters", p) for p in ("select", "filter", "expand", "custom")]
    entity_json = _json(ref("schemas", name))
    one = {"description": "The requested record.", "content": entity_json}
    paths: dict[str, Any] = {}
    for action in ent.actions_in(version):
        paths[f"/{name}/{action.name}"] = {"post": {
            "tags": tag, "summary": "Performs an action in the system.",
            "operationId": f"{name}_InvokeAction_{action.name}",
            "requestBody": {"description": "The record to which the action should be applied and the parameters "
                                           "of the action.", "content": _json(ref("schemas", action.name)),
                            "required": True, "x-bodyName": "invocation"},
            "responses": _common(_action_responses(entity_json)),
        }}
    paths[f"/{name}/{{actionName}}"] = {"post": {
        "tags": tag, "summary": "Performs an action in the system.",
        "operationId": f"{name}_InvokeAction_CustomAction", "parameters": [ref("parameters", "actionName")],
        "requestBody": {"description": "The record to which the action should be applied and the parameters of "
                                       "the action.", "content": _json(ref("schemas", f"{name}CustomAction")),
                        "required": True, "x-bodyName": "invocation"},
        "responses": _common(_action_responses(entity_json)),
    }}
    paths[f"/{name}/$adHocSchema"] = {"get": {
        "tags": tag, "summary": "Retrieves the schema of custom fields of the entity from the system.",
        "operationId": f"{name}_GetAdHocSchema",
        "responses": _common({"200": {"description": "The field name, view name, and type of the fields that are "
                                                     "not defined in the contract of the endpoint for this entity.",
                                      "content": entity_json}}),
    }}
    paths[f"/{name}/{{ids}}"] = {
        "get": {"tags": tag, "summary": "Retrieves a record by the values of its key fields from the system.",
                "operationId": f"{name}_GetByKeys", "parameters": [ref("parameters", "ids")] + query,
                "responses": _common({"200": one, "400": ref("responses", "BadQuery_400")})},
        "delete": {"tags": tag, "summary": "Deletes the record by the values of its key fields.",
                   "operationId": f"{name}_DeleteByKeys", "parameters": [ref("parameters", "ids")],
                   "responses": _common({"204": ref("responses", "DeleteByKeys_204")})},
    }
    paths[f"/{name}/{{ids}}/files/{{filename}}"] = {"put": {
        "tags": tag, "summary": "Attaches a file to a record.", "operationId": f"{name}_PutFile",
        "parameters": [ref("parameters", "ids"), ref("parameters", "filename")],
        "responses": _common({"204": ref("responses", "PutFile_204"),
                              "413": ref("responses", "PayloadTooLarge_413")}),
    }}
    paths[f"/{name}/{{id}}"] = {
        "get": {"tags": tag, "summary": "Retrieves a record by the value of the session entity ID from the system.",
                "operationId": f"{name}_GetById", "parameters": [ref("parameters", "id")] + query,
                "responses": _common({"200": one, "400": ref("responses", "BadQuery_400")})},
        "delete": {"tags": tag, "summary": "Deletes the record by its session identifier.",
                   "operationId": f"{name}_DeleteById", "parameters": [ref("parameters", "id")],
                   "responses": _common({"204": ref("responses", "DeleteById_204")})},
    }
    paths[f"/{name}"] = {
        "get": {"tags": tag, "summary": "Retrieves records that satisfy the specified conditions from the system.",
                "operationId": f"{name}_GetList",
                "parameters": query + [ref("parameters", "skip"), ref("parameters", "top")],
                "responses": _common({
                    "200": {"description": "The list of records that satisfy the specified conditions.",
                            "content": _json({"type": "array", "items": ref("schemas", name)})},
                    "400": ref("responses", "BadQuery_400")})},
        "put": {"tags": tag, "summary": "Creates a record or updates an existing record.",
                "operationId": f"{name}_PutEntity", "parameters": query,
                "requestBody": {"description": "The record to be passed to the system.", "content": entity_json,
                                "required": True, "x-bodyName": "entity"},
                "responses": _common({
                    "200": {"description": "The created or updated record.", "content": entity_json},
                    "400": ref("responses", "PutEntity_400"), "412": ref("responses", "PutEntity_412"),
                    "413": ref("responses", "PayloadTooLarge_413"),
                    "422": {"description": "The data specified in the request is invalid.", "content": entity_json},
                })},
    }
    if in_version(PATCH_SINCE, version):
        put = paths[f"/{name}"]["put"]
        paths[f"/{name}"]["patch"] = {
            **put, "summary": "Updates the specified fields of an existing record.",
            "operationId": f"{name}_PatchEntity",
            "requestBody": {**put["requestBody"], "description": "The fields of the record to be updated."},
            "responses": {**put["responses"], "200": {"description": "The updated record.", "content": entity_json},
                          "404": ref("responses", "PatchEntity_404")},
        }
    return paths


def _action_responses(entity_json: dict[str, Any]) -> dict[str, Any]:
    return {"204": ref("responses", "InvokeAction_204"), "202": ref("responses", "InvokeAction_202"),
            "400": ref("responses", "InvokeAction_400"), "404": ref("responses", "InvokeAction_404"),
            "412": ref("responses", "InvokeAction_412"), "413": ref("responses", "PayloadTooLarge_413"),
            "422": {"description": "The data specified in the request is invalid.", "content": entity_json}}


@lru_cache(maxsize=16)
def document(version: str, server: str) -> dict[str, Any]:
    schemas = _base_schemas()
    for ent in SCHEMAS.values():
        if in_version(ent.since, version):
            schemas[ent.name] = _entity_schema(ent, version)
    paths: dict[str, Any] = {}
    tags = []
    for ent in sorted(TOP_LEVEL, key=lambda e: e.name):
        if not in_version(ent.since, version):
            continue
        tags.append({"name": ent.name, "description": ent.description})
        paths.update(_paths(ent, version))
        for action in ent.actions_in(version):
            schema: dict[str, Any] = {"required": ["entity"], "type": "object",
                                      "properties": {"entity": ref("schemas", ent.name)}}
            if action.parameters:
                schema["required"].append("parameters")
                schema["properties"]["parameters"] = {
                    "type": "object", "description": "The parameters of the action.",
                    "properties": {p.name: ref("schemas", f"{p.type}Value") for p in action.parameters}}
            schemas[action.name] = schema
        schemas[f"{ent.name}CustomAction"] = {"required": ["entity"], "type": "object", "properties": {
            "entity": ref("schemas", ent.name),
            "parameters": {"type": "object", "description": "The parameters of the action.",
                           "properties": {"custom": _custom_block()}}}}
    return {
        "openapi": "3.0.1",
        "info": {"title": f"{ENDPOINT}/{version}", "version": "4"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": schemas, "responses": RESPONSES, "parameters": PARAMETERS},
        "tags": tags,
    }


def instance_document(server: str) -> dict[str, Any]:
    """``GET /entity/swagger.json``: the instance API (sign-in, sign-out, the endpoint list, the tenant list)."""
    error = {"description": "An error has occurred.", "content": _json(ref("schemas", "HttpError"))}
    endpoint = {"type": "object", "properties": {"name": {"type": "string"}, "version": {"type": "string"},
                                                 "href": {"type": "string"}}}
    return {
        "openapi": "3.0.1",
        "info": {"title": "Acumatica instance API", "version": "4"},
        "servers": [{"url": server}],
        "paths": {
            "/entity/auth/login": {"post": {
                "tags": ["Auth"], "summary": "Signs in to the system.", "operationId": "Auth_Login",
                "requestBody": {"content": _json(ref("schemas", "Credentials")), "required": True,
                                "x-bodyName": "credentials"},
                "responses": {"204": {"description": "The user is signed in; the cookies carry the session."},
                              "400": error, "401": error, "429": ref("responses", "License_429"), "500": error}}},
            "/entity/auth/logout": {"post": {
                "tags": ["Auth"], "summary": "Signs out of the system.", "operationId": "Auth_Logout",
                "responses": {"204": {"description": "The user is signed out."}, "500": error}}},
            "/entity/auth/companylist": {"get": {
                "tags": ["Auth"], "summary": "Retrieves the tenants a user can sign in to.",
                "operationId": "Auth_GetCompanyList",
                "responses": {"200": {"description": "The tenants' login names.",
                                      "content": _json({"type": "array", "items": {"type": "string"}})},
                              "500": error}}},
            "/entity": {"get": {
                "tags": ["Root"], "summary": "Retrieves the version of the system and its endpoints.",
                "operationId": "Root_GetVersionAndEndpoints",
                "responses": {"200": {"description": "The system version and the endpoints.", "content": _json({
                    "type": "object", "properties": {
                        "version": {"type": "object", "properties": {
                            "acumaticaBuildVersion": {"type": "string"}, "databaseVersion": {"type": "string"}}},
                        "endpoints": {"type": "array", "items": endpoint}}})},
                              "500": error}}},
        },
        "components": {
            "schemas": {
                "Credentials": {"type": "object", "properties": {
                    "name": {"type": "string"}, "password": {"type": "string"}, "tenant": {"type": "string"},
                    "company": {"type": "string"}, "branch": {"type": "string"}, "locale": {"type": "string"}}},
                "HttpError": _base_schemas()["HttpError"],
            },
            "responses": {"License_429": RESPONSES["License_429"]},
        },
        "tags": [{"name": "Auth", "description": "Sign-in and sign-out"},
                 {"name": "Root", "description": "The system version and its endpoints"}],
    }
