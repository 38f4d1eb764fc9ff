import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// Source to receive with real processes: a purchase order goes late, the work order it feeds turns at risk, an alert
/// fires, an expedite is asked for at the plant and approved at the hub by the right role (and refused for the
/// requester), the goods are received by scan, fail incoming inspection, go to quarantine, and the nonconformance
/// counts in the supplier's scorecard at the hub.
@Suite struct ScenarioTests {
    static let motorGTIN = "09506000134376"
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Slow Motors","status":"approved"}},
          {"kind":"supplier","company":"ACME","key":"S2","data":{"name":"Fast Motors","status":"approved"}},
          {"kind":"item","company":"ACME","key":"MOTOR","data":{"description":"Motor","uom":"EA","tracking":"lot","gtins":["\(motorGTIN)"]}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot"}},
          {"kind":"supplier-item","company":"ACME","key":"S1:MOTOR","data":{"supplier":"S1","item":"MOTOR","leadTimeDays":60,"price":{"amount":"100","currency":"EUR"},"rank":1}},
          {"kind":"supplier-item","company":"ACME","key":"S2:MOTOR","data":{"supplier":"S2","item":"MOTOR","leadTimeDays":20,"price":{"amount":"130","currency":"EUR"},"rank":2}},
          {"kind":"approval-policy","company":"ACME","key":"EXPEDITE","data":{"subject":"expedite","currency":"EUR","plantLimit":"500",
            "tiers":[{"upTo":"1000","role":"buyer"},{"role":"controller"}]}}
        ]}
        """

    @Test func aLatePurchaseOrderIsExpeditedReceivedFailedAndCountedAgainstItsSupplier() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            var hubTokens: [String: String] = [:]
            for (name, role) in [("alice", "buyer"), ("carol", "controller")] {
                let added = try await run("gantry-hub", [
                    "tokens", "add", "--config", hub.configPath, "--name", name, "--role", role, "--kind", "user", "--companies", "ACME",
                ])
                try #require(added.status == 0, "\(added.stderr)")
                hubTokens[name] = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let plantToken = try await hub.enrol("BER")
            try await hub.start()
            let seeded = try await HTTP.request("POST", "\(hub.url)/v1/masters", token: hub.adminToken, json: Self.masters)
            try #require(seeded.status == 200, "\(seeded.text)")

            var plantTokens: [String: String] = [:]
            for (name, role) in [("alice", "buyer"), ("bob", "buyer")] {
                let added = try await run("gantry-agent", ["users", "add", name, "--role", role, "--file", "\(dir)/users"])
                try #require(added.status == 0, "\(added.stderr)")
                plantTokens[name] = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: plantToken,
                                         extra: "masters.poll_interval = 200ms\nusers.file = \(dir)/users\n")
            try await agent.start()
            try await scenario(agent: agent.url, hub: hub, hubTokens: hubTokens, plantTokens: plantTokens)
            _ = try await agent.child?.stop()
            _ = try await hub.child?.stop()
        }
    }

    func scenario(agent: String, hub: HubProcess, hubTokens: [String: String], plantTokens: [String: String]) async throws {
        func post(_ path: String, _ json: String, _ method: String = "POST") async throws -> HTTPAnswer {
            try await HTTP.request(method, agent + path, json: json)
        }
        func readiness() async throws -> [String: Any] { try await HTTP.request("GET", "\(agent)/v1/work-orders/WO-7/readiness").json() }
        try await eventually("the masters arrive") {
            (try await HTTP.request("GET", "\(agent)/v1/masters?kind=approval-policy").json()["records"] as? [Any])?.count == 1
        }
        for (code, type) in [("RECV", "receiving"), ("STORE", "storage"), ("QA", "quarantine")] {
            _ = try await post("/v1/locations", #"{"code":"\#(code)","type":"\#(type)","warehouse":"W1"}"#)
        }
        _ = try await post("/v1/work-centres", #"{"code":"BENCH","name":"Bench","calendar":{"days":[1,2,3,4,5,6,7],"shiftStart":0,"shiftEnd":1440,"timeZone":"UTC"}}"#)
        _ = try await post("/v1/boms/ASSY", #"{"lines":[{"component":"MOTOR","quantity":"1"}]}"#, "PUT")
        _ = try await post("/v1/routings/ASSY", #"{"operations":[{"sequence":10,"workCentre":"BENCH","setupMinutes":"0","runMinutesPerUnit":"10"}]}"#, "PUT")
        let placed = try await post("/v1/purchase-orders", #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"MOTOR","quantity":"10","due":"2030-03-01"}]}"#)
        #expect(placed.status == 201, "\(placed.text)")
        let order = try await post("/v1/work-orders", #"{"workOrder":"WO-7","item":"ASSY","quantity":"4","sourceLocation":"STORE","outputLocation":"STORE","earliestStart":"2030-04-01T08:00:00Z"}"#)
        #expect(order.status == 201, "\(order.text)")
        #expect(try await readiness()["materialReadyBy"] as? String == "2030-03-01")

        // The supplier confirms June: the work order turns at risk and an alert names it, with S2 as the alternate.
        let confirmed = try await post("/v1/purchase-orders/PO-1/lines/1/confirmation", #"{"due":"2030-06-01","quantity":"10"}"#)
        let delay = try #require(try confirmed.json()["delay"] as? [String: Any], "\(confirmed.text)")
        #expect(delay["affectedWorkOrders"] as? [String] == ["WO-7"])
        #expect((delay["alternates"] as? [[String: Any]])?.first?["supplier"] as? String == "S2")
        var ready = try await readiness()
        #expect(ready["materialReadyBy"] as? String == "2030-06-01" && ready["atRisk"] as? Bool == true)
        let alerts = try await HTTP.request("GET", "\(agent)/v1/alerts").json()["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.map { $0["kind"] as? String } == ["supplier-delay"])

        // The buyer asks to expedite (a 1,200 EUR surcharge): above the plant's limit and the buyer tier, so a
        // controller at the hub decides; the requester cannot, at the plant or at the hub.
        let asked = try await run("gantry-agent", [
            "approvals", "request", "--agent", agent, "--token", plantTokens["alice"]!, "--subject", "expedite", "--order", "PO-1",
            "--line", "1", "--amount", "1200", "--reason", "WO-7 starts in April", "--needed-by", "2030-03-15",
        ])
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.contains(#""route":"hub""#) && asked.stdout.contains(#""approvingRoles":["controller"]"#), "\(asked.stdout)")
        let atPlant = try await run("gantry-agent", [
            "approvals", "decide", "APR-1", "--agent", agent, "--token", plantTokens["bob"]!, "--verdict", "approved",
        ])
        #expect(atPlant.status != 0 && atPlant.stderr.contains("decided at the hub"), "\(atPlant.stderr)")
        try await eventually("the request reaches the hub") {
            let pending = try await HTTP.request("GET", "\(hub.url)/v1/approvals?state=pending", token: hubTokens["carol"]).json()
            return (pending["approvals"] as? [Any])?.count == 1
        }
        let decision = "\(hub.url)/v1/approvals/ACME-BER/APR-1/decision"
        let own = try await HTTP.request("POST", decision, token: hubTokens["alice"], json: #"{"verdict":"approved"}"#)
        #expect(own.status == 403 && own.text.contains("cannot decide"), "\(own.text)")
        let approved = try await HTTP.request("POST", decision, token: hubTokens["carol"], json: #"{"verdict":"approved","comment":"expedite"}"#)
        #expect(approved.status == 200, "\(approved.text)")
        try await eventually("the plant holds the approval") {
            (try await HTTP.request("GET", "\(agent)/v1/approvals/APR-1", token: plantTokens["bob"]).json()["state"] as? String) == "approved"
        }
        // The supplier confirms the expedited date: the work order is no longer waiting for June.
        _ = try await post("/v1/purchase-orders/PO-1/lines/1/confirmation", #"{"due":"2030-03-15","quantity":"10"}"#)
        ready = try await readiness()
        #expect(ready["materialReadyBy"] as? String == "2030-03-15")

        // Received by scan; incoming inspection fails; the lot is quarantined against S1.
        _ = try await post("/v1/quality-points", #"{"point":"IN-MOTOR","scope":"receipt","item":"MOTOR","kind":"pass-fail","characteristic":"insulation test","onFailure":"quarantine"}"#)
        let receipt = try await post("/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"]C101\#(Self.motorGTIN)10M1","quantity":"10"}"#)
        #expect(receipt.status == 201, "\(receipt.text)")
        let inspection = try await post("/v1/quality-checks", #"{"point":"IN-MOTOR","lot":"M1","location":"RECV","quantity":"10","passed":false,"quarantineLocation":"QA"}"#)
        #expect(inspection.status == 201, "\(inspection.text)")
        let cases = try await HTTP.request("GET", "\(agent)/v1/nonconformances").json()["nonconformances"] as? [[String: Any]] ?? []
        #expect(cases.first?["supplier"] as? String == "S1" && cases.first?["disposition"] as? String == "quarantined")
        let lots = try await HTTP.request("GET", "\(agent)/v1/stock?item=MOTOR").json()["stock"] as? [[String: Any]] ?? []
        #expect(lots.first?["location"] as? String == "QA")

        // At the hub, the failed motors count in S1's scorecard: ten of ten received nonconforming.
        let window = "from=\(Timestamp.format(Date() - 86_400))&to=\(Timestamp.format(Date() + 86_400))"
        try await eventually("the nonconformance counts in S1's scorecard at the hub") {
            let report = try await HTTP.request("GET", "\(hub.url)/v1/reports/suppliers?\(window)&supplier=S1", token: hub.adminToken).json()
            let quality = (report["suppliers"] as? [[String: Any]])?.first?["quality"] as? [String: Any]
            return quality?["ppm"] as? Int == 1_000_000 && quality?["nonconformances"] as? Int == 1
        }

        // With the hub down, an expedite within the plant's limit is still asked for and decided at the plant;
        // the hub learns of both when it is back.
        _ = try await hub.child?.stop()
        let small = try await run("gantry-agent", [
            "approvals", "request", "--agent", agent, "--token", plantTokens["alice"]!, "--subject", "expedite", "--order", "PO-1",
            "--line", "1", "--amount", "300", "--reason", "air freight for the rest", "--needed-by", "2030-03-10",
        ])
        #expect(small.status == 0 && small.stdout.contains(#""route":"plant""#), "\(small.stdout) \(small.stderr)")
        let ownAtPlant = try await run("gantry-agent", [
            "approvals", "decide", "APR-2", "--agent", agent, "--token", plantTokens["alice"]!, "--verdict", "approved",
        ])
        #expect(ownAtPlant.status != 0 && ownAtPlant.stderr.contains("cannot decide"), "\(ownAtPlant.stderr)")
        let offline = try await run("gantry-agent", [
            "approvals", "decide", "APR-2", "--agent", agent, "--token", plantTokens["bob"]!, "--verdict", "approved",
        ])
        #expect(offline.status == 0 && offline.stdout.contains(#""state":"approved""#), "\(offline.stderr)")
        try await hub.start()
        try await eventually("the hub learns of the plant's decision") {
            let approved = try await HTTP.request("GET", "\(hub.url)/v1/approvals?state=approved", token: hubTokens["carol"]).json()
            let decided = (approved["approvals"] as? [[String: Any]] ?? []).compactMap { $0["decision"] as? [String: Any] }
            return decided.contains { $0["approval"] as? String == "APR-2" && $0["decidedBy"] as? String == "bob" && $0["place"] as? String == "plant" }
        }
    }
}
