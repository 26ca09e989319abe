"""The published contract says what the app does.

- Input Structs that refuse unknown fields are described with `additionalProperties: false`, so that clients
  and API fuzzers know an extra field is refused (400).
- Every error answer is a problem+json document (app.py maps every error to one): each operation's 400 and a
  `default` response say so, in place of the validation body Litestar would describe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar._openapi.schema_generation.plugins import StructSchemaPlugin
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Reference, Schema

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.typing import FieldDefinition

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ClosedStructSchemaPlugin(StructSchemaPlugin):
    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if field_definition.type_.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        return schema


def _text() -> Schema:
    return Schema(type=OpenAPIType.STRING)


PROBLEM = Schema(
    title="Problem",
    description="An error (RFC 9457): `code` is the message key, `detail` the message in the caller's language; "
                "some errors add fields such as `reason`.",
    type=OpenAPIType.OBJECT,
    required=["code", "detail", "status", "title", "type"],
    properties={
        "type": _text(),
        "title": _text(),
        "status": Schema(type=OpenAPIType.INTEGER),
        "code": _text(),
        "detail": _text(),
        "field": _text(),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.OBJECT, required=["field", "message"],
                         properties={"field": _text(), "message": _text()}),
        ),
    },
)


def _problem_response(description: str) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=description,
        content={PROBLEM_MEDIA_TYPE: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
    )


def describe_problems(openapi: OpenAPI) -> None:
    """Declares the problem+json answers on every operation of the document (in place)."""
    if openapi.components is not None:
        openapi.components.schemas["Problem"] = PROBLEM
    for path_item in (openapi.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch", "head", "options"):
            operation = getattr(path_item, method, None)
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            responses["400"] = _problem_response("The request could not be read: a field is missing, unknown or malformed")
            responses.setdefault("default", _problem_response("Any other error, as a problem document"))
            operation.responses = responses
