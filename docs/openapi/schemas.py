"""Schema building blocks shared by the hub's and the agent's OpenAPI documents (see generate.py).

Conventions of the wire (Core/WireFormat.swift): timestamps are RFC 3339 UTC strings with microseconds; quantities are
decimal numbers as strings (`Quantity`, at most six decimals); money is `{"amount": "12.50", "currency": "EUR"}`;
ledger figures are whole minor units (integers); an optional Swift property is left out when it has no value
(never `null`).
"""

STRING = {"type": "string"}
INTEGER = {"type": "integer", "format": "int64"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
DATE_TIME = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date", "description": "A calendar day, YYYY-MM-DD."}
QUANTITY = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,6})?$",
            "description": "A decimal number as text, at most six decimals (Quantity)."}
UUID = {"type": "string", "format": "uuid"}
ANY = {}
COMPANY_CODE = {"type": "string", "pattern": "^[A-Z0-9]{1,16}$", "examples": ["ACME"],
                "description": "A company code: 1 to 16 capital letters or digits."}
PLANT_ID = {"type": "string", "pattern": "^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$", "examples": ["ACME-BER"],
            "description": "A plant id COMPANY-PLANT."}
CODE = {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$",
        "description": "A code: 1 to 64 letters, digits, '-', '_' or '.', with at least one letter or digit."}
OBJECT = {"type": "object"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def array(items):
    return {"type": "array", "items": items}


def mapping(values):
    return {"type": "object", "additionalProperties": values}


def obj(required=None, optional=None, description=None):
    """An object with `required` properties (always written) and `optional` ones (left out when absent)."""
    required = required or {}
    optional = optional or {}
    schema = {"type": "object", "properties": {**required, **optional}}
    if required:
        schema["required"] = sorted(required)
    if description:
        schema["description"] = description
    return schema


def enum(*values):
    return {"type": "string", "enum": list(values)}


COMMON_SCHEMAS = {
    "Problem": obj(
        required={"type": STRING, "title": STRING, "status": {"type": "integer"}, "detail": STRING},
        optional={
            "field": STRING,
            "expectedSequence": INTEGER,
            "errors": array(obj(required={"detail": STRING},
                                optional={"line": {"type": "integer"}, "subject": STRING, "field": STRING})),
            "shortages": array(OBJECT),
        },
        description="RFC 9457 problem details (Core/Sync/ProblemDetails.swift); `type` is urn:gantry:problem:<code>."),
    "Money": obj(required={"amount": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}, "currency": STRING},
                 description="An amount as decimal text in its currency."),
    "Health": obj(required={"status": enum("ok")}),
    "EventEnvelope": obj(required={
        "sequence": INTEGER, "id": UUID, "type": STRING, "schemaVersion": {"type": "integer"},
        "occurredAt": DATE_TIME, "recordedAt": DATE_TIME, "payload": OBJECT}),
    "MasterRecord": obj(
        required={"kind": STRING, "key": STRING, "active": BOOLEAN, "plants": array(STRING), "data": OBJECT,
                  "version": INTEGER, "updatedAt": DATE_TIME, "updatedBy": STRING},
        optional={"company": STRING}),
    "MachineTimeReport": obj(
        required={"plant": STRING, "line": STRING, "machine": STRING, "seconds": mapping(NUMBER),
                  "downtimeByReason": mapping(NUMBER), "good": INTEGER, "scrap": INTEGER},
        optional={"availability": NUMBER}),
    "MachineTimeReportBody": obj(
        required={"from": DATE_TIME, "to": DATE_TIME, "machines": array(ref("MachineTimeReport"))},
        optional={"requestedTo": DATE_TIME},
        description="`to` is cut at now; `requestedTo`, the end asked for, is there only when it was cut."),
    "ApprovalRecord": obj(
        required={"plant": STRING, "request": OBJECT, "state": enum("pending", "approved", "rejected"),
                  "requestedAt": DATE_TIME},
        optional={"decision": OBJECT}),
    "StockUnit": obj(required={"item": STRING}, optional={"lot": STRING, "serial": STRING}),
}


def problem_response(description):
    return {"description": description,
            "content": {"application/problem+json": {"schema": ref("Problem")}}}


def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def text_response(description, media):
    return {"description": description, "content": {media: {"schema": STRING}}}


def json_body(schema, required=True):
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def query(name, schema=None, required=False, description=None):
    parameter = {"name": name, "in": "query", "required": required, "schema": schema or STRING}
    if description:
        parameter["description"] = description
    return parameter


def path_parameters(path):
    """The `{name}` parameters of an OpenAPI path, in order."""
    names = [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
    known = {"plant": PLANT_ID, "company": COMPANY_CODE}
    return [{"name": name, "in": "path", "required": True, "schema": known.get(name, STRING)} for name in names]
