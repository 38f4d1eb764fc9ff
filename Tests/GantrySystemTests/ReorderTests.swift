import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// Reorder rules through the agent's real HTTP API against a real hub's masters: the position nets usable stock,
/// reservations, work order demand and open orders; a run orders from the primary supplier at its price and lead
/// time, a second run orders nothing, and a blocked primary gives way to the next approved alternate.
@Suite struct ReorderTests {
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Steel & Co","status":"approved"}},
          {"kind":"supplier","company":"ACME","key":"S2","data":{"name":"Bolt Brothers","status":"conditional"}},
          {"kind":"supplier","company":"ACME","key":"S3","data":{"name":"New Nuts","status":"pending"}},
          {"kind":"item","company":"ACME","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot"}},
          {"kind":"item","company":"ACME","key":"NUT","data":{"description":"Nut","uom":"EA","tracking":"none","conversions":[{"uom":"BOX","factor":"100"}]}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot"}},
          {"kind":"supplier-item","company":"ACME","key":"S1:BOLT","data":{"supplier":"S1","item":"BOLT","leadTimeDays":14,"price":{"amount":"0.12","currency":"EUR"},"rank":1}},
          {"kind":"supplier-item","company":"ACME","key":"S2:BOLT","data":{"supplier":"S2","item":"BOLT","leadTimeDays":5,"price":{"amount":"0.15","currency":"EUR"},"rank":2}},
          {"kind":"supplier-item","company":"ACME","key":"S3:NUT","data":{"supplier":"S3","item":"NUT","leadTimeDays":3,"price":{"amount":"0.02","currency":"EUR"},"rank":1}}
        ]}
        """

    static var today: String { String(Timestamp.format(Date()).prefix(10)) }

    func withPlant(configure: @escaping (inout AgentConfiguration) -> Void = { _ in },
                   _ body: (_ agent: String, _ hub: HubFixture) async throws -> Void) async throws {
        try await withHub { hub in
            try await commit(Self.masters, at: hub)
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, configure: {
                    $0.mastersPollInterval = .milliseconds(100)
                    configure(&$0)
                }) { agent in
                    try await eventually("the masters arrive") {
                        (try await HTTP.request("GET", "\(agent)/v1/masters?kind=supplier-item").json()["records"] as? [Any])?.count == 3
                    }
                    for (code, type) in [("STORE", "storage"), ("QA", "quarantine")] {
                        try await ok(agent, "POST", "/v1/locations", #"{"code":"\#(code)","type":"\#(type)","warehouse":"W1"}"#)
                    }
                    try await body(agent, hub)
                }
            }
        }
    }

    func commit(_ records: String, at hub: HubFixture) async throws {
        _ = try await MasterService(store: hub.store).commit(try MasterChangeSet.read(Data(records.utf8)).records, by: .local(), summary: "masters")
    }

    @discardableResult
    func ok(_ agent: String, _ method: String, _ path: String, _ json: String = "{}", sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let answer = try await HTTP.request(method, agent + path, json: method == "GET" ? nil : json)
        #expect((200..<300).contains(answer.status), "\(method) \(path): \(answer.text)", sourceLocation: sourceLocation)
        return (try? answer.json()) ?? [:]
    }

    func refused(_ agent: String, _ path: String, _ json: String) async throws -> ProblemDetails {
        let answer = try await HTTP.request("PUT", agent + path, json: json)
        #expect(!(200..<300).contains(answer.status), "\(path) was accepted: \(answer.text)")
        return try answer.decode(ProblemDetails.self)
    }

    @Test func rulesAreValidatedFieldByField() async throws {
        try await withPlant { agent, _ in
            let cases: [(path: String, json: String, code: String, field: String?)] = [
                ("BOLT", #"{"minimum":"10","maximum":"5"}"#, "invalid", "maximum"),
                ("BOLT", #"{"minimum":"1","maximum":"5","multiple":"0"}"#, "invalid", "multiple"),
                ("BOLT", #"{"minimum":"1","maximum":"5","multiple":"0.5"}"#, "invalid", "multiple"),
                ("BOLT", #"{"minimum":"-1","maximum":"5"}"#, "invalid", "minimum"),
                ("BOLT", #"{"minimum":"1","maximum":"5","leadTimeDays":-1}"#, "invalid", "leadTimeDays"),
                ("BOLT", #"{"minimum":"1","maximum":"5","supplier":"NOPE"}"#, "invalid", "supplier"),
                ("NUT", #"{"minimum":"1","maximum":"5","uom":"PAL"}"#, "unknown-unit", "uom"),
                ("WIDGET", #"{"minimum":"1","maximum":"5"}"#, "unknown-item", "item"),
                ("BOLT", #"{"minimum":"ten","maximum":"5"}"#, "invalid-request", "minimum"),
                ("BOLT", #"{"minimum":"1","maximum":"5","minimun":"2"}"#, "invalid-request", "minimun"),
            ]
            for (path, json, code, field) in cases {
                let problem = try await refused(agent, "/v1/reorder/rules/\(path)", json)
                #expect(problem.code == code && problem.field == field, "\(json): \(problem.code) \(problem.field ?? "-") \(problem.detail)")
            }
            #expect((try await ok(agent, "GET", "/v1/reorder/rules")["rules"] as? [Any])?.isEmpty == true, "nothing was kept")
            let missing = try await HTTP.request("DELETE", "\(agent)/v1/reorder/rules/BOLT")
            #expect(missing.status == 404)
        }
    }

    @Test func aRunOrdersFromThePrimaryOnceAndABlockedPrimaryGivesWayToTheAlternate() async throws {
        try await withPlant { agent, hub in
            // Stock: 120 usable, 10 in quarantine (not counted), 70 still open on PO-1; 30 reserved; WO-1 needs 20 more.
            try await ok(agent, "POST", "/v1/purchase-orders", #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"BOLT","quantity":"200"}]}"#)
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"STORE","item":"BOLT","lot":"L1","quantity":"120"}"#)
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"QA","item":"BOLT","lot":"L2","quantity":"10"}"#)
            try await ok(agent, "POST", "/v1/reservations", #"{"workOrder":"EXT-9","lines":[{"item":"BOLT","quantity":"30"}]}"#)
            try await ok(agent, "POST", "/v1/work-centres", #"{"code":"BENCH","name":"Bench","calendar":{"days":[1,2,3,4,5,6,7],"shiftStart":0,"shiftEnd":1440,"timeZone":"UTC"}}"#)
            try await ok(agent, "PUT", "/v1/boms/ASSY", #"{"lines":[{"component":"BOLT","quantity":"4"}]}"#)
            try await ok(agent, "PUT", "/v1/routings/ASSY", #"{"operations":[{"sequence":10,"workCentre":"BENCH","setupMinutes":"0","runMinutesPerUnit":"1"}]}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-1","item":"ASSY","quantity":"5","sourceLocation":"STORE","outputLocation":"STORE"}"#)

            let bolt = try await ok(agent, "PUT", "/v1/reorder/rules/BOLT", #"{"minimum":"150","maximum":"500","multiple":"50"}"#)
            #expect(bolt["minimum"] as? String == "150" && bolt["supplier"] == nil)
            let nut = try await ok(agent, "PUT", "/v1/reorder/rules/NUT", #"{"minimum":"1","maximum":"5","uom":"BOX"}"#)
            #expect(nut["minimum"] as? String == "100" && nut["maximum"] as? String == "500" && nut["multiple"] as? String == "100", "kept in the base unit")

            let proposals = try await ok(agent, "GET", "/v1/reorder/proposals")
            let proposal = try #require((proposals["proposals"] as? [[String: Any]])?.first)
            let position = proposal["position"] as? [String: String] ?? [:]
            #expect(position == ["onHand": "120", "reserved": "30", "openPurchases": "70", "demand": "20", "projected": "140"])
            #expect(proposal["quantity"] as? String == "400", "360 to the maximum, rounded up to eight multiples of 50")
            #expect(proposal["supplier"] as? String == "S1" && proposal["price"] as? String == "0.12" && proposal["leadTimeDays"] as? Int == 14)
            #expect(proposal["due"] as? String == Reorder.due(today: Self.today, leadTimeDays: 14))
            let unserved = try #require((proposals["unserved"] as? [[String: Any]])?.first)
            #expect(unserved["item"] as? String == "NUT" && (unserved["reason"] as? String)?.contains("S3 is pending") == true, "\(unserved)")

            let run = try await HTTP.request("POST", "\(agent)/v1/reorder/run", json: "{}")
            #expect(run.status == 201, "\(run.text)")
            let placed = try #require((try run.json()["placed"] as? [[String: Any]])?.first)
            let number = try #require(placed["order"] as? String)
            #expect(number == "RO-\(Self.today.replacingOccurrences(of: "-", with: ""))-1" && placed["supplier"] as? String == "S1")
            let lines = try await ok(agent, "GET", "/v1/purchase-orders?order=\(number)")["lines"] as? [[String: String]] ?? []
            #expect(lines.map { "\($0["item"]!) \($0["ordered"]!) \($0["price"]!) \($0["due"]!)" }
                    == ["BOLT 400 0.12 EUR \(Reorder.due(today: Self.today, leadTimeDays: 14)!)"], "priced and dated like a hand-made order")

            let again = try await HTTP.request("POST", "\(agent)/v1/reorder/run", json: "{}")
            let placedAgain = try again.json()["placed"] as? [Any]
            #expect(again.status == 200 && placedAgain?.isEmpty == true, "the open order counts: \(again.text)")

            // The hub blocks S1; a higher minimum calls for more, and it goes to S2 at its own terms.
            try await commit(#"{"records":[{"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Steel & Co","status":"blocked"}}]}"#, at: hub)
            try await eventually("the block arrives") {
                let record = try await HTTP.request("GET", "\(agent)/v1/masters/supplier/S1").json()
                return (record["data"] as? [String: Any])?["status"] as? String == "blocked"
            }
            try await ok(agent, "PUT", "/v1/reorder/rules/BOLT", #"{"minimum":"1000","maximum":"1000","multiple":"50"}"#)
            let second = try await ok(agent, "POST", "/v1/reorder/run")
            let alternate = try #require((second["placed"] as? [[String: Any]])?.first)
            #expect(alternate["supplier"] as? String == "S2")
            #expect(((alternate["lines"] as? [[String: Any]])?.first?["quantity"] as? String) == "500", "540 projected, 460 up to 1000, in fifties")
            let why = (second["proposals"] as? [[String: Any]])?.first?["supplierReason"] as? String
            #expect(why == "S1 (rank 1) is blocked; next approved alternate S2 (rank 2)")
            let alternateLines = try await ok(agent, "GET", "/v1/purchase-orders?order=\(alternate["order"] as? String ?? "")")["lines"] as? [[String: String]] ?? []
            #expect(alternateLines.first?["price"] == "0.15 EUR" && alternateLines.first?["due"] == Reorder.due(today: Self.today, leadTimeDays: 5))

            // Rule changes travel to the hub as events it keeps.
            try await ok(agent, "DELETE", "/v1/reorder/rules/NUT")
            let head = try #require(try await ok(agent, "GET", "/v1/status")["lastSequence"] as? Int)
            try await eventually("the hub has the plant's log") {
                try await hub.store.syncReport(now: Date()).first { $0.plant == "ACME-BER" }?.lastSequence == Int64(head)
            }
            let report = try #require(try await hub.store.syncReport(now: Date()).first { $0.plant == "ACME-BER" })
            #expect(report.unprojectedEvents == 0 && report.quarantinedEvents == 0)
            let events = try await hub.store.events(plantID: "ACME-BER", after: 0, limit: 1000).map(\.type)
            #expect(events.filter { $0 == "ReorderRuleDefined" }.count == 3 && events.contains("ReorderRuleDeleted"))
        }
    }

    @Test func theCommandLineSetsListsRunsAndExplainsRefusals() async throws {
        try await withPlant { agent, _ in
            let set = try await run("gantry-agent", ["reorder", "set", "--agent", agent, "--item", "BOLT", "--min", "10", "--max", "40", "--multiple", "25"])
            #expect(set.status == 0 && set.stdout.contains("\"maximum\":\"40\""), "\(set.stderr)")
            let bad = try await run("gantry-agent", ["reorder", "set", "--agent", agent, "--item", "BOLT", "--min", "10", "--max", "5"])
            #expect(bad.status != 0 && bad.stderr.contains("must be at least the minimum"), "\(bad.stderr)")
            let table = try await run("gantry-agent", ["reorder", "rules", "--agent", agent])
            #expect(table.stdout.hasPrefix("ITEM  MINIMUM  MAXIMUM  MULTIPLE") && table.stdout.contains("\nBOLT  10"), "\(table.stdout)")
            let csv = try await run("gantry-agent", ["reorder", "rules", "--agent", agent, "--format", "csv"])
            #expect(csv.stdout.hasPrefix("item,minimum,maximum,multiple") && csv.stdout.contains("\r\nBOLT,10,40,25"), "\(csv.stdout)")
            let proposals = try await run("gantry-agent", ["reorder", "proposals", "--agent", agent])
            #expect(proposals.status == 0 && proposals.stdout.contains("\"quantity\":\"50\""), "\(proposals.stdout)")
            let placed = try await run("gantry-agent", ["reorder", "run", "--agent", agent])
            #expect(placed.status == 0 && placed.stdout.contains("\"supplier\":\"S1\""), "\(placed.stdout)")
            let deleted = try await run("gantry-agent", ["reorder", "delete", "--agent", agent, "--item", "BOLT"])
            #expect(deleted.status == 0)
            let rules = try await run("gantry-agent", ["reorder", "rules", "--agent", agent, "--format", "json"])
            #expect(rules.status == 0 && rules.stdout.contains("\"rules\":[]"), "\(rules.stdout)")
        }
    }

    @Test func theAgentRunsItsRulesOnItsOwnWhenConfigured() async throws {
        try await withPlant(configure: { $0.reorderCheckInterval = .milliseconds(100) }) { agent, _ in
            try await ok(agent, "PUT", "/v1/reorder/rules/BOLT", #"{"minimum":"0","maximum":"30","multiple":"10"}"#)
            try await eventually("the watch places an order") {
                let lines = try await HTTP.request("GET", "\(agent)/v1/purchase-orders").json()["lines"] as? [[String: String]] ?? []
                return lines.contains { $0["item"] == "BOLT" && $0["ordered"] == "30" && $0["supplier"] == "S1" }
            }
            let proposals = try await ok(agent, "GET", "/v1/reorder/proposals")["proposals"] as? [Any]
            #expect(proposals?.isEmpty == true, "with the order open, later checks have nothing to place")
        }
    }
}
