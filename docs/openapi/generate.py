#!/usr/bin/env python3
"""Writes docs/openapi/hub.json and docs/openapi/agent.json (OpenAPI 3.1) from hub.py, agent.py and the endpoint tables.

Each route's method, path and access rule are read from the endpoint tables themselves
(Hub/GantryHub/HTTP/HubEndpoints.swift, Agent/GantryAgent/HTTP/AgentEndpoints.swift), so the documents cannot
disagree with them; what a route takes and answers comes from hub.py and agent.py, written from the handlers' Codable
types. Run it after changing either: `python3 docs/openapi/generate.py`. HubEndpointTests/AgentEndpointTests
(OpenAPI) compare the written documents with the tables.
"""

import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import agent  # noqa: E402
import hub  # noqa: E402
from schemas import COMMON_SCHEMAS, path_parameters, problem_response  # noqa: E402

PROBLEMS = {
    400: "Malformed request: a query value, a path escape or a body that is not JSON",
    401: "No bearer token, or one that is unknown, revoked or expired",
    403: "The caller may not do this",
    404: "Not found (or outside the caller's companies)",
    405: "Not allowed here",
    409: "Conflicts with what is stored",
    413: "The body is too large",
    422: "The request is well-formed but refused; `field` names what is at fault",
    503: "The store is unavailable; retry later",
}


def openapi_path(path):
    return "/".join("{" + part[1:] + "}" if part.startswith(":") else part for part in path.split("/"))


# MARK: The endpoint tables

def hub_table():
    """(case, method, path, access) of every HubEndpoint, read from HubEndpoints.swift."""
    text = (ROOT / "Hub/GantryHub/HTTP/HubEndpoints.swift").read_text()
    table = text[text.index("public enum HubEndpoint"):text.index("public enum Access")]
    cases = [name for line in re.findall(r"^    case ([a-zA-Z, ]+)$", table, re.M) for name in re.split(r",\s*", line)]

    def switch(variable):
        body = re.search(r"public var " + variable + r"[^{]*\{\s*switch self \{(.*?)\n        \}", text, re.S).group(1)
        table = {}
        for names, value in re.findall(r"case ([.\w,\s]+?):\s*(.+)", body):
            for name in re.findall(r"\.(\w+)", names):
                table[name] = value.strip()
        default = re.search(r"default:\s*(.+)", body)
        return table, default.group(1).strip() if default else None

    paths, _ = switch("path")
    methods, default_method = switch("method")
    accesses, _ = switch("access")
    rows = []
    for case in cases:
        method = methods.get(case, default_method).lstrip(".")
        rows.append((case, method, paths[case].strip('"'), accesses[case]))
    return rows


def agent_table():
    """(method, path, access) of every AgentEndpoint, read from AgentEndpoints.swift."""
    text = (ROOT / "Agent/GantryAgent/HTTP/AgentEndpoints.swift").read_text()
    rows = []
    for method, path, access in re.findall(r'\.init\(\.(\w+), "([^"]+)", \.(\w+)', text):
        rows.append((method, path, access))
    for access, block in re.findall(r'routes\(\.(\w+), "[^"]*", \[(.*?)\]\)', text, re.S):
        for method, path in re.findall(r'\(\.(\w+), "([^"]+)"\)', block):
            rows.append((method, path, access))
    governed = re.search(r"\[HTTPRequest\.Method\.(\w+), ([.\w, ]+)\]\.flatMap.*?\[([^\]]+)\]\.map \{ AgentEndpoint\(method, \$0, \.(\w+)",
                         text, re.S)
    methods = [governed.group(1)] + re.findall(r"\.(\w+)", governed.group(2))
    for method in methods:
        for path in re.findall(r'"([^"]+)"', governed.group(3)):
            rows.append((method, path, governed.group(4)))
    return rows


# MARK: Operations

def permission_values():
    text = (ROOT / "Core/Access/Roles.swift").read_text()
    return dict(re.findall(r'case (\w+) = "([^"]+)"', text))


def operation(spec, operation_id, security, access, path):
    result = {"operationId": operation_id, "summary": spec["summary"], "tags": [spec["tag"]] if spec["tag"] else []}
    parameters = path_parameters(path) + spec["params"]
    if parameters:
        result["parameters"] = parameters
    if spec["body"]:
        result["requestBody"] = spec["body"]
    responses = {}
    if spec["ok"] is not None:
        responses[spec["status"]] = spec["ok"]
    responses.update(spec["more"])
    statuses = set(spec["problems"]) | {503}
    if security:
        statuses |= {401, 403}
    for status in sorted(statuses):
        responses[str(status)] = problem_response(PROBLEMS[status])
    result["responses"] = dict(sorted(responses.items()))
    result["security"] = security
    result["x-gantry-access"] = access
    return result


def hub_document():
    permissions = permission_values()
    specs = {spec["operation"]: spec for spec in hub.ROUTES}
    paths = {}
    for case, method, path, access in hub_table():
        spec = specs.pop(case)
        if access == ".open":
            security, described = [], "open"
        elif access == ".masterWriter":
            security, described = [{"principalToken": []}], "masterWriter"
        else:
            kind, permission = re.fullmatch(r"\.(plant|principal)\(\.(\w+)\)", access).groups()
            security = [{"plantToken": []}] if kind == "plant" else [{"principalToken": []}]
            described = f"{kind}:{permissions[permission]}"
        api_path = openapi_path(path)
        paths.setdefault(api_path, {})[method] = operation(spec, case, security, described, api_path)
    if specs:
        raise SystemExit(f"hub.py describes operations the table lacks: {sorted(specs)}")
    return document(
        "Gantry hub API",
        "The hub's HTTP API: plants' sync, masters, access, instructions, shipping, ledger and invoices "
        "(docs/http-api.md). Every error is application/problem+json.",
        paths, {**COMMON_SCHEMAS, **hub.SCHEMAS},
        {"plantToken": {"type": "http", "scheme": "bearer", "description": "A plant's token (from enrolment)."},
         "principalToken": {"type": "http", "scheme": "bearer",
                            "description": "A principal's token; its role must hold the route's permission "
                                           "(x-gantry-access) within its companies."}})


def agent_document():
    specs = dict(agent.ROUTES)
    paths = {}
    for method, path, access in agent_table():
        api_path = openapi_path(path)
        key = f"{method.upper()} {api_path}"
        spec = specs.pop(key, None)
        if spec is None:
            if access != "governedAtHub":
                raise SystemExit(f"agent.py does not describe {key}")
            spec = agent.governed_at_hub(method.upper(), api_path)
        security = {"local": [], "governedAtHub": [], "localWithOverride": [{}, {"plantUser": []}],
                    "plantUser": [{"plantUser": []}]}[access]
        operation_id = method + "".join(
            part[1:-1].capitalize() if part.startswith("{") else "".join(w.capitalize() for w in re.split(r"[-.]", part))
            for part in api_path.split("/") if part)
        paths.setdefault(api_path, {})[method] = operation(spec, operation_id, security, access, api_path)
    if specs:
        raise SystemExit(f"agent.py describes routes the table lacks: {sorted(specs)}")
    return document(
        "Gantry agent local API",
        "The plant agent's local HTTP API (docs/http-api.md): scans, machines, inventory, work orders, sourcing, "
        "shipping, approvals and the plant's copy of the masters. It trusts the terminal that calls it, except where "
        "an operation's security asks for a plant user's bearer token. Every error is application/problem+json.",
        paths, {**COMMON_SCHEMAS, **agent.SCHEMAS},
        {"plantUser": {"type": "http", "scheme": "bearer", "description": "A plant user's token (users.file)."}})


def document(title, description, paths, schemas, security_schemes):
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1", "description": description},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "securitySchemes": security_schemes},
    }


def main():
    for name, build in (("hub.json", hub_document), ("agent.json", agent_document)):
        (HERE / name).write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n")
        print(f"wrote docs/openapi/{name}")


if __name__ == "__main__":
    main()
