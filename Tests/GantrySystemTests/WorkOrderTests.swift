import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// Work orders through the agent's real HTTP API: the material gate, a multi-level run traced end to end,
/// quality gates, readiness against purchase order due dates, and refused transitions.
@Suite struct WorkOrderTests {
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Steel & Co","status":"approved"}},
          {"kind":"item","company":"ACME","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot"}},
          {"kind":"item","company":"ACME","key":"MOTOR","data":{"description":"Motor","uom":"EA","tracking":"serial"}},
          {"kind":"item","company":"ACME","key":"SUB","data":{"description":"Sub-assembly","uom":"EA","tracking":"lot"}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot"}},
          {"kind":"item","company":"ACME","key":"SWARF","data":{"description":"Swarf","uom":"KGM","tracking":"none"}}
        ]}
        """

    /// A plant with masters, locations, work centres, BOMs, routings and an open purchase order, and its users
    /// `bob` (buyer) and `pat` (planner), whose tokens the body gets.
    func withFactory(_ body: (_ agent: String, _ tokens: [String: String]) async throws -> Void) async throws {
        try await withHub { hub in
            _ = try await MasterService(store: hub.store).commit(
                try MasterChangeSet.read(Data(Self.masters.utf8)).records, by: .local(), summary: "masters")
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                let tokens = try writePlantUsers([("bob", .buyer), ("pat", .planner)], to: "\(dir)/users")
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, configure: {
                    $0.mastersPollInterval = .milliseconds(100)
                    $0.usersFile = "\(dir)/users"
                }) { agent in
                    try await eventually("the masters arrive") {
                        (try await HTTP.request("GET", "\(agent)/v1/masters?kind=item").json()["records"] as? [Any])?.count == 5
                    }
                    for (code, type) in [("RECV", "receiving"), ("STORE", "storage"), ("LINE", "production"), ("QA", "quarantine")] {
                        try await ok(agent, "POST", "/v1/locations", #"{"code":"\#(code)","type":"\#(type)","warehouse":"W1"}"#)
                    }
                    try await ok(agent, "POST", "/v1/work-centres", #"""
                        {"code":"PRESS","name":"Press","calendar":{"days":[1,2,3,4,5,6,7],"shiftStart":0,"shiftEnd":1440,"timeZone":"Europe/Berlin"},
                         "machine":{"line":"L1","machine":"PRESS"}}
                        """#)
                    try await ok(agent, "POST", "/v1/work-centres", #"""
                        {"code":"BENCH","name":"Assembly bench","calendar":{"days":[1,2,3,4,5],"shiftStart":360,"shiftEnd":840,"timeZone":"Europe/Berlin"}}
                        """#)
                    try await ok(agent, "PUT", "/v1/boms/SUB", #"{"lines":[{"component":"BOLT","quantity":"4","scrapPercent":"25"}],"byProducts":[{"item":"SWARF","quantity":"0.1"}]}"#)
                    try await ok(agent, "PUT", "/v1/boms/ASSY", #"{"lines":[{"component":"SUB","quantity":"1"},{"component":"MOTOR","quantity":"1"}]}"#)
                    try await ok(agent, "PUT", "/v1/routings/SUB", #"{"operations":[{"sequence":10,"workCentre":"PRESS","setupMinutes":"30","runMinutesPerUnit":"2"}]}"#)
                    try await ok(agent, "PUT", "/v1/routings/ASSY", #"""
                        {"operations":[{"sequence":10,"workCentre":"BENCH","setupMinutes":"15","runMinutesPerUnit":"20"},
                                       {"sequence":20,"workCentre":"PRESS","setupMinutes":"0","runMinutesPerUnit":"1"}]}
                        """#)
                    try await ok(agent, "POST", "/v1/purchase-orders", """
                        {"order":"PO-1","supplier":"S1","lines":[
                          {"line":1,"item":"BOLT","quantity":"100","due":"2030-02-01"},
                          {"line":2,"item":"MOTOR","quantity":"5","due":"2030-03-01"}]}
                        """)
                    try await body(agent, tokens)
                }
            }
        }
    }

    @discardableResult
    func ok(
        _ agent: String, _ method: String, _ path: String, _ json: String = "{}", token: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let answer = try await HTTP.request(method, agent + path, token: token, json: method == "GET" ? nil : json)
        #expect((200..<300).contains(answer.status), "\(method) \(path): \(answer.text)", sourceLocation: sourceLocation)
        return (try? answer.json()) ?? [:]
    }

    func refused(_ agent: String, _ method: String, _ path: String, _ json: String = "{}", token: String? = nil) async throws -> ProblemDetails {
        let answer = try await HTTP.request(method, agent + path, token: token, json: json)
        #expect(!(200..<300).contains(answer.status), "\(path) was accepted: \(answer.text)")
        return try answer.decode(ProblemDetails.self)
    }

    @Test func theMaterialGateRefusesWithTheShortageAndAnOverrideIsRecorded() async throws {
        try await withFactory { agent, tokens in
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-1","item":"SUB","quantity":"2","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            let short = try await refused(agent, "POST", "/v1/work-orders/WO-1/release")
            #expect(short.code == "shortage" && short.status == 409)
            #expect(short.shortages?.map { "\($0.item) \($0.needed) \($0.onHand) \($0.reservedElsewhere) \($0.short)" } == ["BOLT 10 0 0 10"],
                    "2 × 4 bolts with a 25 % scrap allowance")
            // The same from the command line.
            let cli = try await run("gantry-agent", ["work-orders", "release", "--agent", agent, "--id", "WO-1"])
            #expect(cli.status != 0 && cli.stderr.contains("WO-1 cannot be released: BOLT needs 10"), "\(cli.stderr)")
            let listed = try await run("gantry-agent", ["work-orders", "readiness", "--agent", agent, "--id", "WO-1"])
            #expect(listed.status == 0 && listed.stdout.contains("\"materialReady\":false"), "\(listed.stdout)")
            // Seven bolts come in: still short, and nothing is reserved by the refusal.
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"STORE","item":"BOLT","lot":"L1","quantity":"7"}"#)
            #expect(try await refused(agent, "POST", "/v1/work-orders/WO-1/release").shortages?.first?.short == Quantity(3))
            let none = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-1").json()["reservations"] as? [Any]
            #expect(none?.isEmpty == true)
            // An override is made by a plant user: not without a token, not by a buyer; a planner with a reason may, on record.
            let anonymous = try await refused(agent, "POST", "/v1/work-orders/WO-1/release", #"{"override":{"reason":"urgent"}}"#)
            #expect(anonymous.code == "unauthenticated" && anonymous.status == 401)
            let claimed = try await refused(agent, "POST", "/v1/work-orders/WO-1/release", #"{"override":{"reason":"urgent"}}"#, token: "gpu_made-up")
            #expect(claimed.status == 401, "a made-up token is nobody")
            let buyer = try await refused(agent, "POST", "/v1/work-orders/WO-1/release", #"{"override":{"reason":"urgent"}}"#, token: tokens["bob"])
            #expect(buyer.code == "override-not-permitted" && buyer.status == 403)
            let released = try await ok(
                agent, "POST", "/v1/work-orders/WO-1/release", #"{"override":{"reason":"customer line down"}}"#, token: tokens["pat"])
            #expect(released["status"] as? String == "released")
            let releasedWith = released["releasedWith"] as? [String: Any]
            #expect(releasedWith?["reason"] as? String == "customer line down")
            #expect(releasedWith?["by"] as? String == "pat" && releasedWith?["role"] as? String == "planner", "who and which role: the token's")
            let held = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-1").json()["reservations"] as? [[String: Any]] ?? []
            #expect(held.map { $0["quantity"] as? String } == ["7"])
            // Fully stocked: a second order releases with its reservations, no override.
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"STORE","item":"BOLT","lot":"L2","quantity":"20"}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-2","item":"SUB","quantity":"4","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            let second = try await ok(agent, "POST", "/v1/work-orders/WO-2/release")
            #expect(second["releasedWith"] == nil)
            let reserved = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-2").json()["reservations"] as? [[String: Any]] ?? []
            #expect(reserved.map { $0["quantity"] as? String } == ["20"])
        }
    }

    @Test func aMultiLevelRunIsTracedEndToEndAndTransitionsAreRefusedOutOfOrder() async throws {
        try await withFactory { agent, _ in
            let explosion = try await ok(agent, "GET", "/v1/boms/ASSY/explosion?quantity=2")["requirements"] as? [[String: Any]] ?? []
            #expect(explosion.map { "\($0["level"]!) \($0["component"]!) \($0["quantity"]!)" } == ["1 SUB 2", "2 BOLT 10", "1 MOTOR 2"])
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"STORE","item":"BOLT","lot":"L1","quantity":"40"}"#)
            for serial in ["SN1", "SN2"] {
                try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":2,"location":"STORE","item":"MOTOR","serial":"\#(serial)"}"#)
            }
            // The sub-assembly.
            let sub = try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-SUB","item":"SUB","quantity":"2","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            #expect((sub["operations"] as? [[String: Any]])?.first?["workCentre"] as? String == "PRESS")
            #expect(try await refused(agent, "POST", "/v1/work-orders/WO-SUB/complete").code == "invalid-transition")
            #expect(try await refused(agent, "POST", "/v1/work-orders/WO-SUB/operations/10/start").code == "invalid-transition", "not released yet")
            try await ok(agent, "POST", "/v1/work-orders/WO-SUB/release")
            try await ok(agent, "POST", "/v1/work-orders/WO-SUB/operations/10/start")
            let beyond = try await refused(agent, "POST", "/v1/work-orders/WO-SUB/consume", #"{"from":"STORE","item":"BOLT","lot":"L1","quantity":"11"}"#)
            #expect(beyond.code == "beyond-reservation", "\(beyond.detail)")
            let viaIssues = try await refused(agent, "POST", "/v1/issues", #"{"workOrder":"WO-SUB","from":"STORE","item":"BOLT","lot":"L1","quantity":"11"}"#)
            #expect(viaIssues.code == "beyond-reservation", "a plain issue to a work order keeps the order's rules")
            try await ok(agent, "POST", "/v1/work-orders/WO-SUB/consume", #"{"from":"STORE","item":"BOLT","lot":"L1","quantity":"10"}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-SUB/operations/10/finish", #"{"good":"2","scrap":"0"}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-SUB/output", #"{"lot":"S1","quantity":"2"}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-SUB/output", #"{"item":"SWARF","quantity":"0.2"}"#)
            let foreign = try await refused(agent, "POST", "/v1/work-orders/WO-SUB/output", #"{"item":"MOTOR","serial":"X1"}"#)
            #expect(foreign.code == "invalid" && foreign.detail.contains("by-products SWARF"))
            let subDone = try await ok(agent, "POST", "/v1/work-orders/WO-SUB/complete")
            #expect(subDone["status"] as? String == "completed" && subDone["good"] as? String == "2")

            // The assembly, from the sub-assembly lot and two motors.
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-ASSY","item":"ASSY","quantity":"2","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/release")
            #expect(try await refused(agent, "POST", "/v1/work-orders/WO-ASSY/operations/20/start").code == "invalid-transition", "operation 10 first")
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/operations/10/start")
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/operations/10/pause")
            #expect(try await refused(agent, "POST", "/v1/work-orders/WO-ASSY/operations/10/finish").code == "invalid-transition", "paused")
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/operations/10/resume")
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/consume", #"{"from":"STORE","item":"SUB","lot":"S1","quantity":"2"}"#)
            for serial in ["SN1", "SN2"] {
                try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/consume", #"{"from":"STORE","item":"MOTOR","serial":"\#(serial)"}"#)
            }
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/operations/10/finish")
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/operations/20/start")
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/operations/20/finish", #"{"good":"2"}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/output", #"{"lot":"A1","quantity":"2"}"#)
            let done = try await ok(agent, "POST", "/v1/work-orders/WO-ASSY/complete")
            #expect(done["actualStart"] != nil && done["actualFinish"] != nil && done["plannedFinish"] != nil)

            let trace = try await ok(agent, "GET", "/v1/genealogy?item=ASSY&lot=A1")["links"] as? [[String: Any]] ?? []
            let inputs = Set(trace.map { link -> String in
                let input = link["input"] as? [String: Any] ?? [:]
                return "\(link["depth"]!) \(input["item"]!) \(input["lot"] ?? input["serial"] ?? "")"
            })
            #expect(inputs == ["1 SUB S1", "1 MOTOR SN1", "1 MOTOR SN2", "2 BOLT L1"])
            let forward = try await ok(agent, "GET", "/v1/genealogy?item=BOLT&lot=L1&direction=forward")["links"] as? [[String: Any]] ?? []
            #expect(forward.map { ($0["output"] as? [String: Any])?["item"] as? String } == ["SUB", "SWARF", "ASSY"], "the by-product came from the bolts too")
        }
    }

    @Test func aFailedCheckRoutesToQuarantineAndABlockingOneStopsTheOperation() async throws {
        try await withFactory { agent, _ in
            try await ok(agent, "POST", "/v1/quality-points", #"""
                {"point":"TORQUE","scope":"item","item":"SUB","kind":"measurement","characteristic":"torque Nm","lower":"10","upper":"20","onFailure":"quarantine"}
                """#)
            try await ok(agent, "POST", "/v1/quality-points", #"""
                {"point":"VISUAL","scope":"operation","item":"SUB","operation":10,"kind":"pass-fail","characteristic":"burrs","onFailure":"block"}
                """#)
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"STORE","item":"BOLT","lot":"L1","quantity":"20"}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-Q","item":"SUB","quantity":"4","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-Q/release")
            try await ok(agent, "POST", "/v1/work-orders/WO-Q/operations/10/start")
            // A failure at a point of operation 20 does not hold up operation 10.
            try await ok(agent, "POST", "/v1/quality-points", #"""
                {"point":"LATER","scope":"operation","item":"SUB","operation":20,"kind":"pass-fail","characteristic":"flatness","onFailure":"block"}
                """#)
            try await ok(agent, "POST", "/v1/quality-checks", #"{"point":"LATER","workOrder":"WO-Q","passed":false}"#)
            let visual = try await ok(agent, "POST", "/v1/quality-checks", #"{"point":"VISUAL","workOrder":"WO-Q","passed":false}"#)
            #expect(visual["passed"] as? Bool == false && visual["nonconformance"] != nil)
            let blocked = try await refused(agent, "POST", "/v1/work-orders/WO-Q/operations/10/finish")
            #expect(blocked.code == "blocked-by-quality" && blocked.detail.contains("VISUAL"))
            try await ok(agent, "POST", "/v1/quality-checks", #"{"point":"VISUAL","workOrder":"WO-Q","passed":true}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-Q/operations/10/finish")
            // Output waits for every blocking point of the order.
            let held = try await refused(agent, "POST", "/v1/work-orders/WO-Q/output", #"{"lot":"S9","quantity":"4"}"#)
            #expect(held.code == "blocked-by-quality" && held.detail.contains("LATER"))
            try await ok(agent, "POST", "/v1/quality-checks", #"{"point":"LATER","workOrder":"WO-Q","passed":true}"#)
            try await ok(agent, "POST", "/v1/work-orders/WO-Q/output", #"{"lot":"S9","quantity":"4"}"#)

            let torque = try await ok(agent, "POST", "/v1/quality-checks", #"""
                {"point":"TORQUE","workOrder":"WO-Q","lot":"S9","location":"STORE","quantity":"4","value":"25.5","quarantineLocation":"QA"}
                """#)
            #expect(torque["passed"] as? Bool == false)
            let stock = try await ok(agent, "GET", "/v1/stock?item=SUB")["stock"] as? [[String: Any]] ?? []
            #expect(stock.map { "\($0["location"]!) \($0["quantity"]!)" } == ["QA 4"] && stock.first?["quarantined"] as? Bool == true)
            let issue = try await refused(agent, "POST", "/v1/issues", #"{"workOrder":"WO-X","from":"QA","item":"SUB","lot":"S9","quantity":"1"}"#)
            #expect(issue.code == "quarantined")
            let cases = try await ok(agent, "GET", "/v1/nonconformances")["nonconformances"] as? [[String: Any]] ?? []
            #expect(cases.map { "\($0["disposition"]!) \($0["quantity"]!)" } == ["blocked 0", "blocked 0", "quarantined 4"])
            #expect((cases.last?["reason"] as? String)?.contains("25.5 outside 10…20") == true)
        }
    }

    @Test func readinessFollowsPurchaseOrderDueDates() async throws {
        try await withFactory { agent, _ in
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-1","line":1,"location":"STORE","item":"BOLT","lot":"L1","quantity":"40"}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-SUB","item":"SUB","quantity":"2","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-ASSY","item":"ASSY","quantity":3,"sourceLocation":"STORE","outputLocation":"STORE"}"#.replacingOccurrences(of: ":3,", with: ":\"3\","))
            var readiness = try await ok(agent, "GET", "/v1/work-orders/WO-ASSY/readiness")
            #expect(readiness["materialReady"] as? Bool == false && readiness["atRisk"] as? Bool == true)
            #expect(readiness["materialReadyBy"] == nil, "no supply covers the sub-assembly")
            var motor = (readiness["components"] as? [[String: Any]] ?? []).first { $0["item"] as? String == "MOTOR" }
            #expect(motor?["readyBy"] as? String == "2030-03-01" && (motor?["coveredBy"] as? [String]) == ["PO-1/2"])
            let sub = try await ok(agent, "GET", "/v1/work-orders/WO-SUB/readiness")
            #expect(sub["materialReady"] as? Bool == true && sub["atRisk"] as? Bool == false)

            try await ok(agent, "PATCH", "/v1/purchase-orders/PO-1/lines/2", #"{"due":"2030-04-15"}"#)
            readiness = try await ok(agent, "GET", "/v1/work-orders/WO-ASSY/readiness")
            motor = (readiness["components"] as? [[String: Any]] ?? []).first { $0["item"] as? String == "MOTOR" }
            #expect(motor?["readyBy"] as? String == "2030-04-15", "the motors' date moved with the purchase order line")
            let all = try await ok(agent, "GET", "/v1/readiness")["workOrders"] as? [[String: Any]] ?? []
            #expect(all.compactMap { $0["workOrder"] as? String }.sorted() == ["WO-ASSY", "WO-SUB"])
        }
    }
}
