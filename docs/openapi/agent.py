"""The agent's local API (Agent/GantryAgent/HTTP/AgentEndpoints.swift), keyed by "METHOD /path/{name}"."""

from schemas import (ANY, BOOLEAN, DATE_TIME, DAY, INTEGER, NUMBER, OBJECT, QUANTITY, STRING, UUID, array, enum,
                     json_body, json_response, mapping, obj, query, ref, text_response)

ID = {"id": {**UUID, "description": "Idempotency key: a retry with the same id is the same request."}}
UNIT = {"scan": {**STRING, "description": "A GS1 scan naming the unit (instead of item, lot, serial, expiry, quantity)."},
        "item": STRING, "lot": STRING, "serial": STRING, "expiry": DAY, "quantity": QUANTITY, "uom": STRING}
OVERRIDE = {"override": obj(required={"reason": STRING},
                            description="Needs a plant user's bearer token whose role is in workorders.override_roles.")}

SCHEMAS = {
    "ScanRequest": obj(required={"data": STRING, "device": STRING}, optional={"id": UUID, "occurredAt": DATE_TIME}),
    "ScanReceipt": obj(required={"scanId": UUID, "sequence": INTEGER, "eventId": UUID, "recordedAt": DATE_TIME,
                                 "duplicate": BOOLEAN}),
    "AgentStatus": obj(
        required={"plantId": STRING, "lastSequence": INTEGER, "acknowledgedSequence": INTEGER,
                  "hub": obj(required={"reachable": BOOLEAN, "consecutiveFailures": {"type": "integer"},
                                       "catchingUp": {**BOOLEAN, "description": "Sending the backlog an outage or a stop left."}},
                             optional={"lastContactAt": DATE_TIME, "lastError": STRING, "nextAttemptAt": DATE_TIME,
                                       "alarm": STRING,
                                       "unreachableSince": {**DATE_TIME, "description": "First failed attempt since the hub last answered."},
                                       "sendRate": {**NUMBER, "description": "Events the hub acknowledged per second over the last minute."}}),
                  "backlog": obj(required={"events": INTEGER, "bytes": INTEGER, "oldestAgeSeconds": NUMBER},
                                 optional={"drainSeconds": {**NUMBER, "description": "Backlog / hub.sendRate; 0 with no backlog, absent with no rate."}}),
                  "alarms": array(STRING), "deadLettersKept": {"type": "integer"}},
        optional={"mqtt": OBJECT, "masters": OBJECT,
                  "store": obj(required={"level": enum("ok", "low", "full"), "freeBytes": INTEGER, "totalBytes": INTEGER,
                                         "reserveBytes": INTEGER, "alarmBytes": INTEGER},
                               description="The store's disk against store.reserve and store.alarm_free (docs/reliability.md)."),
                  "clock": obj(required={"skewSeconds": NUMBER, "measuredAt": DATE_TIME, "thresholdSeconds": NUMBER, "alarm": BOOLEAN},
                               description="This plant's clock minus the hub's at the hub's last answer (docs/reliability.md).")}),
    "DeadLetter": obj(required={"id": INTEGER, "receivedAt": DATE_TIME, "topic": STRING, "payload": STRING,
                                "payloadBytes": {"type": "integer"}, "reason": STRING}),
    "DowntimeInterval": obj(
        required={"line": STRING, "machine": STRING, "start": DATE_TIME, "knownReason": BOOLEAN, "failure": BOOLEAN,
                  "seconds": NUMBER},
        optional={"end": DATE_TIME, "reason": STRING, "lossClass": STRING}),
    "ReliabilityReport": obj(
        required={"line": STRING, "machine": STRING, "failures": {"type": "integer"}, "runningHours": NUMBER,
                  "downHours": NUMBER},
        optional={"mtbfHours": NUMBER, "mttrHours": NUMBER}),
    "MaintenanceRequest": obj(
        required={"requestId": UUID, "line": STRING, "machine": STRING, "kind": STRING, "trigger": ANY, "openedAt": DATE_TIME,
                  "parts": array(OBJECT)},
        optional={"reason": STRING, "planId": UUID, "completedAt": DATE_TIME, "note": STRING}),
    "MaintenancePlan": obj(
        required={"planId": UUID, "line": STRING, "machine": STRING, "description": STRING, "createdAt": DATE_TIME},
        optional={"everyDays": {"type": "integer"}, "everyGoodParts": INTEGER}),
    "Location": obj(required={"code": STRING, "type": STRING, "warehouse": STRING, "active": BOOLEAN},
                    optional={"zone": STRING, "bin": STRING}),
    "MoveAnswer": obj(
        required={"requestId": UUID, "moveId": UUID, "sequence": INTEGER, "kind": STRING, "item": STRING,
                  "quantity": QUANTITY, "uom": STRING, "message": STRING, "duplicate": BOOLEAN},
        optional={"lot": STRING, "serial": STRING, "expiry": STRING, "from": STRING, "to": STRING, "purchaseOrder": OBJECT}),
    "CountAnswer": obj(required={"requestId": UUID, "countId": UUID, "location": STRING, "lines": array(OBJECT),
                                 "exactLines": {"type": "integer"}, "accuracy": NUMBER,
                                 "shortenedReservations": mapping(QUANTITY), "message": STRING, "duplicate": BOOLEAN}),
    "ReservationAnswer": obj(required={"requestId": UUID, "workOrder": STRING, "reservations": array(OBJECT),
                                       "message": STRING, "duplicate": BOOLEAN}),
    "LotStatusChanged": obj(required={"item": STRING, "lot": STRING, "status": STRING, "reason": STRING}),
    "StockRow": obj(
        required={"item": STRING, "location": STRING, "locationType": STRING, "quantity": QUANTITY, "reserved": QUANTITY,
                  "available": QUANTITY, "quarantined": BOOLEAN, "expired": BOOLEAN},
        optional={"lot": STRING, "serial": STRING, "expiry": STRING}),
    "CountRecord": obj(required={"countId": UUID, "location": STRING, "at": DATE_TIME, "lines": {"type": "integer"},
                                 "exactLines": {"type": "integer"}, "accuracy": NUMBER}),
    "ReorderRule": obj(required={"item": STRING, "minimum": QUANTITY, "maximum": QUANTITY, "multiple": QUANTITY},
                       optional={"supplier": STRING, "leadTimeDays": {"type": "integer"}}),
    "PurchaseOrderPlaced": obj(required={"order": STRING, "supplier": STRING, "lines": array(OBJECT)}),
    "PurchaseOrderLine": obj(required={
        "order": STRING, "line": STRING, "supplier": STRING, "item": STRING, "ordered": STRING, "received": STRING,
        "returned": STRING, "tolerancePercent": STRING, "due": STRING, "price": STRING, "confirmedDue": STRING,
        "confirmedQuantity": STRING}),
    "LogisticUnit": obj(
        required={"sscc": STRING, "reference": STRING, "location": STRING, "status": STRING, "contents": array(OBJECT),
                  "label": OBJECT, "duplicate": BOOLEAN},
        optional={"shipment": STRING}),
    "WorkOrder": obj(
        required={"workOrder": STRING, "item": STRING, "quantity": QUANTITY, "status": STRING, "sourceLocation": STRING,
                  "outputLocation": STRING, "plannedStart": DATE_TIME, "plannedFinish": DATE_TIME, "good": QUANTITY,
                  "scrap": QUANTITY, "rework": QUANTITY, "operations": array(OBJECT)},
        optional={"due": DATE_TIME, "actualStart": DATE_TIME, "actualFinish": DATE_TIME, "releasedWith": OBJECT}),
    "WorkOrderReadiness": obj(
        required={"workOrder": STRING, "item": STRING, "status": STRING, "plannedStart": DATE_TIME, "materialReady": BOOLEAN,
                  "atRisk": BOOLEAN, "components": array(OBJECT), "delays": array(STRING)},
        optional={"materialReadyBy": STRING}),
    "Nonconformance": obj(
        required={"nonconformance": UUID, "item": STRING, "quantity": QUANTITY, "reason": STRING, "disposition": STRING},
        optional={"workOrder": STRING, "supplier": STRING, "lot": STRING}),
}

TIME_WINDOW = [query("from", DATE_TIME, required=True), query("to", DATE_TIME, required=True)]


def op(summary, *, params=(), body=None, ok=None, status="200", problems=(), more=None, tag=None):
    return {"summary": summary, "params": list(params), "body": body, "ok": ok, "status": status,
            "problems": list(problems), "more": more or {}, "tag": tag}


def ok_json(schema, description="OK"):
    return json_response(description, schema)


def created(schema):
    """A write answered 201, or 200 with `duplicate: true` for a repeated id."""
    return {"ok": json_response("Recorded before (duplicate: true)", schema),
            "more": {"201": json_response("Recorded", schema)}}


def write(summary, body, schema, problems=(400, 404, 409, 413, 422), tag=None):
    return op(summary, body=json_body(body), problems=problems, tag=tag, **created(schema))


WORK_ORDER_STEP = op("A work order's operation moves on (start, pause, resume, finish)",
                     body=json_body(obj(optional={"good": QUANTITY, "scrap": QUANTITY, "rework": QUANTITY,
                                                  "reasons": array(STRING)})), ok=ok_json(ref("WorkOrder")), problems=[400, 404, 409, 413, 422],
                     tag="work-orders")

ROUTES = {
    "GET /healthz": op("Whether the plant store can be read", ok=ok_json(ref("Health")), problems=[503], tag="health"),
    "GET /metrics": op("Prometheus metrics (text exposition format 0.0.4)", ok=text_response("The metrics", "text/plain"), tag="health"),
    "GET /v1/status": op("Where the plant's log stands and how its way to the hub looks", ok=ok_json(ref("AgentStatus")),
                         tag="health"),
    "GET /v1/dead-letters": op("The newest machine messages that were not the contract",
                               params=[query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100})],
                               ok=ok_json(obj(required={"deadLetters": array(ref("DeadLetter"))})), problems=[400],
                               tag="health"),
    "POST /v1/scans": op("Records a scan, durable before the answer", body=json_body(ref("ScanRequest")),
                         ok=json_response("Recorded before (duplicate: true)", ref("ScanReceipt")),
                         more={"201": json_response("Recorded", ref("ScanReceipt"))}, problems=[400, 409, 413, 422],
                         tag="scans"),
    "GET /v1/reports/machine-time": op(
        "Per machine, seconds in each state, downtime by reason, good and scrap", params=TIME_WINDOW,
        ok=ok_json(ref("MachineTimeReportBody")),
        problems=[400], tag="machines"),
    "GET /v1/downtime": op(
        "Downtime stretches classified by reason", params=TIME_WINDOW,
        ok=ok_json(obj(required={"from": DATE_TIME, "to": DATE_TIME, "intervals": array(ref("DowntimeInterval"))},
                       optional={"requestedTo": DATE_TIME})), problems=[400], tag="machines"),
    "GET /v1/reports/reliability": op(
        "MTBF and MTTR per machine", params=TIME_WINDOW,
        ok=ok_json(obj(required={"from": DATE_TIME, "to": DATE_TIME, "machines": array(ref("ReliabilityReport"))},
                       optional={"requestedTo": DATE_TIME})), problems=[400], tag="machines"),
    "GET /v1/maintenance/requests": op(
        "Maintenance requests", params=[query("status", enum("open", "done", "all"))],
        ok=ok_json(obj(required={"requests": array(ref("MaintenanceRequest"))})), problems=[400], tag="machines"),
    "POST /v1/maintenance/requests": op(
        "Opens a corrective maintenance request by hand",
        body=json_body(obj(required={"line": STRING, "machine": STRING}, optional={"reason": STRING})),
        ok=json_response("Opened", ref("MaintenanceRequest")), status="201", problems=[400, 404, 409, 413, 422],
        tag="machines"),
    "POST /v1/maintenance/requests/{id}/complete": op(
        "Completes a maintenance request",
        body=json_body(obj(optional={"note": STRING, "parts": array(OBJECT)})), ok=ok_json(ref("MaintenanceRequest")),
        problems=[400, 404, 409, 413, 422], tag="machines"),
    "GET /v1/maintenance/plans": op("Preventive maintenance plans",
                                    ok=ok_json(obj(required={"plans": array(ref("MaintenancePlan"))})), tag="machines"),
    "POST /v1/maintenance/plans": op(
        "Defines a preventive maintenance plan",
        body=json_body(obj(required={"line": STRING, "machine": STRING, "description": STRING},
                           optional={"everyDays": {"type": "integer"}, "everyGoodParts": INTEGER})),
        ok=json_response("Defined", ref("MaintenancePlan")), status="201", problems=[400, 409, 413, 422], tag="machines"),
    # Inventory
    "POST /v1/locations": op(
        "Defines a location",
        body=json_body(obj(required={"code": STRING, "type": STRING, "warehouse": STRING},
                           optional={"zone": STRING, "bin": STRING, "active": BOOLEAN})),
        ok=json_response("Defined", ref("Location")), status="201", problems=[400, 409, 413, 422], tag="inventory"),
    "GET /v1/locations": op("The plant's locations", ok=ok_json(obj(required={"locations": array(ref("Location"))})),
                            tag="inventory"),
    "POST /v1/purchase-orders": op(
        "Places a purchase order",
        body=json_body(obj(required={"order": STRING, "supplier": STRING, "lines": array(OBJECT)})),
        ok=json_response("Placed", ref("PurchaseOrderPlaced")), status="201", problems=[400, 409, 413, 422],
        tag="inventory"),
    "GET /v1/purchase-orders": op("Purchase order lines", params=[query("order")],
                                  ok=ok_json(obj(required={"lines": array(ref("PurchaseOrderLine"))})), tag="inventory"),
    "POST /v1/receipts": write("Receives against a purchase order line",
                               obj(required={"order": STRING, "line": {"type": "integer"}, "location": STRING},
                                   optional={**ID, **UNIT}), ref("MoveAnswer"), tag="inventory"),
    "POST /v1/moves": write("Moves stock between locations",
                            obj(required={"from": STRING, "to": STRING}, optional={**ID, **UNIT}), ref("MoveAnswer"),
                            tag="inventory"),
    "GET /v1/moves": op(
        "The stock ledger, oldest first",
        params=[query("item"), query("lot"), query("after", {"type": "integer", "minimum": 0}),
                query("limit", {"type": "integer", "minimum": 1, "maximum": 1000})],
        ok=ok_json(obj(required={"moves": array(OBJECT), "next": INTEGER})), problems=[400], tag="inventory"),
    "POST /v1/issues": write("Issues stock to a work order",
                             obj(required={"workOrder": STRING, "from": STRING}, optional={**ID, **UNIT}),
                             ref("MoveAnswer"), tag="inventory"),
    "POST /v1/outputs": write("Books a work order's output",
                              obj(required={"workOrder": STRING, "to": STRING}, optional={**ID, **UNIT}),
                              ref("MoveAnswer"), tag="inventory"),
    "POST /v1/counts": write("A cycle count of a location",
                             obj(required={"location": STRING, "lines": array(obj(optional=UNIT))},
                                 optional={**ID, "complete": BOOLEAN}), ref("CountAnswer"), tag="inventory"),
    "GET /v1/counts": op("Cycle counts", ok=ok_json(obj(required={"counts": array(ref("CountRecord"))})), tag="inventory"),
    "POST /v1/reservations": write("Reserves stock for a work order",
                                   obj(required={"workOrder": STRING, "lines": array(OBJECT)}, optional=ID),
                                   ref("ReservationAnswer"), tag="inventory"),
    "GET /v1/reservations": op("Reservations", params=[query("workOrder")],
                               ok=ok_json(obj(required={"reservations": array(OBJECT)})), tag="inventory"),
    "POST /v1/reservations/{workOrder}/release": op(
        "Releases a work order's reservations",
        ok=ok_json(obj(required={"workOrder": STRING, "released": NUMBER})),
                                                    problems=[404, 422], tag="inventory"),
    "POST /v1/lots/{item}/{lot}/quarantine": op(
        "Quarantines a lot", body=json_body(obj(required={"reason": STRING})), ok=ok_json(ref("LotStatusChanged")),
        problems=[400, 404, 409, 413, 422], tag="inventory"),
    "POST /v1/lots/{item}/{lot}/release": op(
        "Releases a lot from quarantine", body=json_body(obj(required={"reason": STRING})),
        ok=ok_json(ref("LotStatusChanged")), problems=[400, 404, 409, 413, 422], tag="inventory"),
    "GET /v1/stock": op("Stock per item, location and lot", params=[query("item"), query("location"), query("lot")],
                        ok=ok_json(obj(required={"stock": array(ref("StockRow"))})), tag="inventory"),
    "GET /v1/genealogy": op(
        "A lot or serial's genealogy",
        params=[query("item", required=True), query("lot"), query("serial"), query("direction", enum("backward", "forward"))],
        ok=ok_json(obj(required={"unit": ref("StockUnit"), "direction": STRING, "links": array(OBJECT)})),
        problems=[400], tag="inventory"),
    # Work orders
    "POST /v1/work-centres": op(
        "Defines a work centre",
        body=json_body(obj(required={"code": STRING, "name": STRING, "calendar": OBJECT}, optional={"machine": OBJECT})),
        ok=json_response("Defined", obj(required={"code": STRING, "name": STRING, "calendar": OBJECT}, optional={"machine": OBJECT})),
                                status="201", problems=[400, 409, 413, 422], tag="work-orders"),
    "PUT /v1/boms/{item}": op("Defines an item's bill of materials", body=json_body(OBJECT),
                              ok=ok_json(obj(required={"item": STRING, "lines": array(OBJECT), "byProducts": array(OBJECT)})),
                              problems=[400, 404, 409, 413, 422], tag="work-orders"),
    "GET /v1/boms/{item}/explosion": op("An item's bill of materials exploded for a quantity",
                                        params=[query("quantity", QUANTITY)],
                                        ok=ok_json(obj(required={"item": STRING, "quantity": QUANTITY, "requirements": array(OBJECT)})), problems=[400, 404, 422],
                                        tag="work-orders"),
    "PUT /v1/routings/{item}": op("Defines an item's routing", body=json_body(obj(required={"operations": array(OBJECT)})),
                                  ok=ok_json(obj(required={"item": STRING, "operations": array(OBJECT)})),
                                  problems=[400, 404, 409, 413, 422], tag="work-orders"),
    "POST /v1/quality-points": op("Defines a quality point", body=json_body(OBJECT),
                                  ok=json_response("Defined", obj(required={"point": STRING, "scope": STRING, "item": STRING, "kind": STRING,
                                                                            "characteristic": STRING, "onFailure": STRING},
                                                                  optional={"operation": {"type": "integer"}, "lower": QUANTITY,
                                                                            "upper": QUANTITY})),
                                  status="201", problems=[400, 404, 409, 413, 422], tag="work-orders"),
    "POST /v1/quality-checks": op("Records a quality check", body=json_body(OBJECT),
                                  ok=json_response("Recorded", obj(required={"checkId": UUID, "point": STRING, "item": STRING, "passed": BOOLEAN},
                                                                   optional={"workOrder": STRING, "lot": STRING, "value": QUANTITY,
                                                                             "nonconformance": UUID})),
                                  status="201", problems=[400, 404, 409, 413, 422], tag="work-orders"),
    "GET /v1/nonconformances": op("Nonconformances", ok=ok_json(obj(required={"nonconformances": array(ref("Nonconformance"))})),
                                  tag="work-orders"),
    "POST /v1/work-orders": op(
        "Creates a work order",
        body=json_body(obj(required={"workOrder": STRING, "item": STRING, "quantity": QUANTITY, "sourceLocation": STRING,
                                     "outputLocation": STRING},
                           optional={"due": DATE_TIME, "earliestStart": DATE_TIME})),
        ok=json_response("Created", ref("WorkOrder")), status="201", problems=[400, 404, 409, 413, 422], tag="work-orders"),
    "GET /v1/work-orders": op("Work orders", ok=ok_json(obj(required={"workOrders": array(ref("WorkOrder"))})), tag="work-orders"),
    "GET /v1/work-orders/{id}": op("One work order", ok=ok_json(ref("WorkOrder")), problems=[404], tag="work-orders"),
    "POST /v1/work-orders/{id}/release": op(
        "Releases a work order (an override needs a plant user's token)", body=json_body(obj(optional=OVERRIDE)),
        ok=ok_json(ref("WorkOrder")), problems=[400, 401, 403, 404, 409, 413, 422], tag="work-orders"),
    "POST /v1/work-orders/{id}/consume": op(
        "Consumes material for a work order (an override needs a plant user's token)",
        body=json_body(obj(optional={**ID, **UNIT, **OVERRIDE, "from": STRING})),
        problems=[400, 401, 403, 404, 409, 413, 422], tag="work-orders", **created(ref("MoveAnswer"))),
    "POST /v1/work-orders/{id}/output": op(
        "Books a work order's output", body=json_body(obj(optional={**ID, **UNIT, "to": STRING})),
        problems=[400, 404, 409, 413, 422], tag="work-orders", **created(ref("MoveAnswer"))),
    "POST /v1/work-orders/{id}/complete": op("Completes a work order", ok=ok_json(ref("WorkOrder")), problems=[404, 409],
                                             tag="work-orders"),
    "POST /v1/work-orders/{id}/operations/{sequence}/start": WORK_ORDER_STEP,
    "POST /v1/work-orders/{id}/operations/{sequence}/pause": WORK_ORDER_STEP,
    "POST /v1/work-orders/{id}/operations/{sequence}/resume": WORK_ORDER_STEP,
    "POST /v1/work-orders/{id}/operations/{sequence}/finish": WORK_ORDER_STEP,
    "GET /v1/work-orders/{id}/readiness": op("Whether a work order's material is there", ok=ok_json(ref("WorkOrderReadiness")),
                                             problems=[404], tag="work-orders"),
    "GET /v1/readiness": op("Readiness of every open work order",
                            ok=ok_json(obj(required={"workOrders": array(ref("WorkOrderReadiness"))})), tag="work-orders"),
    "PATCH /v1/purchase-orders/{order}/lines/{line}": op(
        "Reschedules a purchase order line", body=json_body(obj(optional={"due": DAY})),
        ok=ok_json(obj(required={"order": STRING, "line": STRING, "due": STRING})),
        problems=[400, 404, 409, 413, 422], tag="work-orders"),
    # Sourcing
    "POST /v1/purchase-orders/{order}/lines/{line}/confirmation": op(
        "The supplier's confirmation of a line", body=json_body(obj(required={"due": DAY, "quantity": QUANTITY})),
        ok=ok_json(obj(required={"order": STRING, "line": {"type": "integer"}, "due": STRING, "quantity": QUANTITY},
                       optional={"delay": OBJECT})),
        problems=[400, 404, 409, 413, 422], tag="sourcing"),
    "GET /v1/purchase-orders/exceptions": op("Late and unconfirmed purchase lines",
                                             ok=ok_json(obj(required={"exceptions": array(OBJECT)})), tag="sourcing"),
    "GET /v1/alerts": op("Alerts raised at the plant", ok=ok_json(obj(required={"alerts": array(OBJECT)})), tag="sourcing"),
    "POST /v1/returns": write("Returns stock to its supplier",
                              obj(required={"order": STRING, "from": STRING, "reason": STRING}, optional={**ID, **UNIT}),
                              ref("MoveAnswer"), tag="sourcing"),
    "GET /v1/reorder/rules": op("Reorder rules", ok=ok_json(obj(required={"rules": array(ref("ReorderRule"))})),
                                tag="sourcing"),
    "PUT /v1/reorder/rules/{item}": op(
        "Sets an item's reorder rule",
        body=json_body(obj(required={"minimum": QUANTITY, "maximum": QUANTITY},
                           optional={"multiple": QUANTITY, "uom": STRING, "supplier": STRING,
                                     "leadTimeDays": {"type": "integer"}})),
        ok=ok_json(ref("ReorderRule")), problems=[400, 413, 422], tag="sourcing"),
    "DELETE /v1/reorder/rules/{item}": op("Deletes an item's reorder rule", ok=ok_json(obj(required={"deleted": STRING})),
                                          problems=[404], tag="sourcing"),
    "GET /v1/reorder/proposals": op("What the reorder rules propose",
                                    ok=ok_json(obj(required={"proposals": array(OBJECT), "unserved": array(OBJECT)})),
                                    tag="sourcing"),
    "POST /v1/reorder/run": op(
        "Places the proposals, one order per supplier",
        ok=json_response("Nothing placed", OBJECT), more={"201": json_response("Placed", OBJECT)}, problems=[409],
        tag="sourcing"),
    # Shipping
    "GET /v1/outbound-orders": op("Outbound orders", params=[query("order")],
                                  ok=ok_json(obj(required={"orders": array(OBJECT)})), tag="shipping"),
    "POST /v1/outbound-orders/{order}/pick-list": op("A pick list for an outbound order", ok=ok_json(OBJECT),
                                                     problems=[400, 404, 409], tag="shipping"),
    "POST /v1/logistic-units": write("Opens a logistic unit (SSCC) for an order",
                                     obj(required={"order": STRING, "location": STRING}, optional=ID),
                                     ref("LogisticUnit"), tag="shipping"),
    "GET /v1/logistic-units": op("Logistic units", params=[query("order"), query("sscc")],
                                 ok=ok_json(obj(required={"units": array(ref("LogisticUnit"))})), problems=[422],
                                 tag="shipping"),
    "POST /v1/logistic-units/{sscc}/contents": write(
        "Packs stock into a logistic unit", obj(required={"from": STRING}, optional={**ID, **UNIT, "line": {"type": "integer"}}),
        OBJECT, tag="shipping"),
    "POST /v1/shipments": write(
        "Dispatches logistic units",
        obj(required={"order": STRING, "units": array(STRING), "carrier": STRING, "trackingReference": STRING}, optional=ID),
        OBJECT, tag="shipping"),
    "GET /v1/inbound-transfers": op("Transfers on their way to this plant", params=[query("transfer")],
                                    ok=ok_json(obj(required={"transfers": array(OBJECT)})), tag="shipping"),
    "POST /v1/inbound-transfers/{transfer}/receipts": write(
        "Receives a transferred unit",
        obj(required={"location": STRING, "receivedBy": STRING},
            optional={**ID, "sscc": STRING, "scan": STRING, "damagedLocation": STRING, "findings": array(OBJECT)}),
        OBJECT, tag="shipping"),
    "POST /v1/inbound-transfers/{transfer}/close": op(
        "Closes the receipt of a transfer", body=json_body(obj(required={"closedBy": STRING})),
        ok=ok_json(obj(required={"transfer": STRING, "unitsReceived": {"type": "integer"}, "unitsShort": {"type": "integer"},
                                 "closedBy": STRING, "company": STRING}, optional={"tradingPartner": STRING})),
        problems=[400, 404, 409, 413, 422], tag="shipping"),
    # Approvals
    "POST /v1/approvals": op(
        "Asks for approval",
        body=json_body(obj(required={"subject": STRING, "purchaseOrder": STRING, "amount": STRING, "reason": STRING},
                           optional={"line": {"type": "integer"}, "currency": STRING, "neededBy": DAY})),
        ok=json_response("Asked", ref("ApprovalRecord")), status="201", problems=[400, 404, 409, 413, 422, 503],
        tag="approvals"),
    "GET /v1/approvals": op("Requests for approval", params=[query("state", enum("pending", "approved", "rejected"))],
                            ok=ok_json(obj(required={"approvals": array(ref("ApprovalRecord"))})), problems=[400, 503],
                            tag="approvals"),
    "GET /v1/approvals/{id}": op("One request for approval", ok=ok_json(ref("ApprovalRecord")), problems=[404, 503],
                                 tag="approvals"),
    "POST /v1/approvals/{id}/decision": op(
        "Decides a request for approval",
        body=json_body(obj(required={"verdict": enum("approved", "rejected")}, optional={"comment": STRING})),
        ok=ok_json(ref("ApprovalRecord")), problems=[400, 404, 409, 413, 422, 503], tag="approvals"),
    # Masters (the plant's copy)
    "GET /v1/masters": op("The plant's copy of the hub's masters", params=[query("kind")],
                          ok=ok_json(obj(required={"version": INTEGER, "records": array(ref("MasterRecord"))})),
                          problems=[400], tag="masters"),
    "GET /v1/masters/{kind}/{key}": op("One record of the plant's copy", ok=ok_json(ref("MasterRecord")),
                                       problems=[400, 404], tag="masters"),
}


def governed_at_hub(method, path):
    """Writes to the masters: always 405 governed-at-hub."""
    return op(f"Masters are governed at the hub ({method} {path} is always refused)", ok=None, status=None,
              problems=[405], tag="masters")
