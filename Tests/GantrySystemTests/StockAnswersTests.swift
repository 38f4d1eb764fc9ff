import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// Readiness, release, returns and lot labels give the same answer about the same stock, through the agent's real
/// HTTP API: a label cannot change a known lot's dates, a return is owed again, a partial confirmation brings only
/// its quantity, at risk means late, and stock elsewhere must be moved before release reserves it.
@Suite struct StockAnswersTests {
    static let boltGTIN = "09506000134352"
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Steel & Co","status":"approved"}},
          {"kind":"item","company":"ACME","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot","gtins":["\(boltGTIN)"]}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot"}}
        ]}
        """

    /// A plant with RECV, STORE, LINE and QA, a round-the-clock UTC bench, and ASSY made of one BOLT.
    func withPlant(_ body: (_ agent: String) async throws -> Void) async throws {
        try await withHub { hub in
            _ = try await MasterService(store: hub.store).commit(
                try MasterChangeSet.read(Data(Self.masters.utf8)).records, by: .local(), summary: "masters")
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, configure: {
                    $0.mastersPollInterval = .milliseconds(100)
                }) { agent in
                    try await eventually("the masters arrive") {
                        (try await HTTP.request("GET", "\(agent)/v1/masters?kind=item").json()["records"] as? [Any])?.count == 2
                    }
                    for (code, type) in [("RECV", "receiving"), ("STORE", "storage"), ("LINE", "production"), ("QA", "quarantine")] {
                        try await ok(agent, "POST", "/v1/locations", #"{"code":"\#(code)","type":"\#(type)","warehouse":"W1"}"#)
                    }
                    try await ok(agent, "POST", "/v1/work-centres", #"""
                        {"code":"BENCH","name":"Bench","calendar":{"days":[1,2,3,4,5,6,7],"shiftStart":0,"shiftEnd":1440,"timeZone":"UTC"}}
                        """#)
                    try await ok(agent, "PUT", "/v1/boms/ASSY", #"{"lines":[{"component":"BOLT","quantity":"1"}]}"#)
                    try await ok(agent, "PUT", "/v1/routings/ASSY", #"{"operations":[{"sequence":10,"workCentre":"BENCH","setupMinutes":"0","runMinutesPerUnit":"0.01"}]}"#)
                    try await body(agent)
                }
            }
        }
    }

    @discardableResult
    func ok(_ agent: String, _ method: String, _ path: String, _ json: String = "{}", sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let answer = try await HTTP.request(method, agent + path, json: method == "GET" ? nil : json)
        #expect((200..<300).contains(answer.status), "\(method) \(path): \(answer.text)", sourceLocation: sourceLocation)
        return (try? answer.json()) ?? [:]
    }

    func bolts(_ readiness: [String: Any]) -> [String: Any] {
        (readiness["components"] as? [[String: Any]] ?? []).first { $0["item"] as? String == "BOLT" } ?? [:]
    }

    /// A GS1 date `days` from now (UTC): the label's `YYMMDD` and the store's `YYYY-MM-DD`.
    static func labelDate(_ days: Int) -> (label: String, iso: String) {
        let iso = String(Timestamp.format(Date() + Double(days) * 86_400).prefix(10))
        let parts = iso.split(separator: "-")
        return (String(parts[0].suffix(2)) + parts[1] + parts[2], iso)
    }

    @Test func atRiskOnlyWhenTheMaterialComesAfterThePlannedStart() async throws {
        try await withPlant { agent in
            try await ok(agent, "POST", "/v1/purchase-orders", #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"BOLT","quantity":"600","due":"2030-12-25"}]}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-1","item":"ASSY","quantity":"600","sourceLocation":"STORE","outputLocation":"STORE","earliestStart":"2030-12-30T00:00:00Z"}"#)
            var readiness = try await ok(agent, "GET", "/v1/work-orders/WO-1/readiness")
            // Ready 12-25 for a start on 12-30: not ready yet, but not at risk.
            #expect(readiness["materialReadyBy"] as? String == "2030-12-25" && readiness["materialReady"] as? Bool == false)
            #expect(readiness["atRisk"] as? Bool == false, "\(readiness)")

            // 50 of the 600 confirmed for 12-20: those 50 come then, the other 550 still on 12-25.
            try await ok(agent, "POST", "/v1/purchase-orders/PO-1/lines/1/confirmation", #"{"due":"2030-12-20","quantity":"50"}"#)
            readiness = try await ok(agent, "GET", "/v1/work-orders/WO-1/readiness")
            #expect(readiness["materialReadyBy"] as? String == "2030-12-25", "\(readiness)")
            #expect(bolts(readiness)["coveredBy"] as? [String] == ["PO-1/1"] && readiness["atRisk"] as? Bool == false)
            // The supplier moves its 50 past the planned start: now the order is at risk.
            try await ok(agent, "POST", "/v1/purchase-orders/PO-1/lines/1/confirmation", #"{"due":"2031-01-05","quantity":"50"}"#)
            readiness = try await ok(agent, "GET", "/v1/work-orders/WO-1/readiness")
            #expect(readiness["materialReadyBy"] as? String == "2031-01-05" && readiness["atRisk"] as? Bool == true, "\(readiness)")
        }
    }

    @Test func aReturnIsOwedAgain() async throws {
        try await withPlant { agent in
            try await ok(agent, "POST", "/v1/purchase-orders", #"{"order":"PO-2","supplier":"S1","lines":[{"line":1,"item":"BOLT","quantity":"350","due":"2030-11-01"}]}"#)
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-2","line":1,"location":"STORE","item":"BOLT","lot":"L2","quantity":"350"}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-3","item":"ASSY","quantity":"350","sourceLocation":"STORE","outputLocation":"STORE","earliestStart":"2030-11-10T00:00:00Z"}"#)
            #expect(try await ok(agent, "GET", "/v1/work-orders/WO-3/readiness")["materialReady"] as? Bool == true)

            let returned = try await ok(agent, "POST", "/v1/returns", #"{"order":"PO-2/1","from":"STORE","item":"BOLT","lot":"L2","quantity":"50","reason":"cracked heads"}"#)
            #expect((returned["message"] as? String)?.contains("300 of 350 received, 50 owed again") == true, "\(returned)")
            let line = (try await ok(agent, "GET", "/v1/purchase-orders?order=PO-2")["lines"] as? [[String: String]])?.first
            #expect(line?["received"] == "300" && line?["returned"] == "50", "\(line ?? [:])")
            // Readiness expects the replacement on the line's date.
            let readiness = try await ok(agent, "GET", "/v1/work-orders/WO-3/readiness")
            let component = bolts(readiness)
            #expect(component["fromStock"] as? String == "300" && component["short"] as? String == "50", "\(component)")
            #expect(component["coveredBy"] as? [String] == ["PO-2/1"] && readiness["materialReadyBy"] as? String == "2030-11-01")
            // The replacement can be received; more than the line holds cannot go back.
            let tooMuch = try await HTTP.request("POST", agent + "/v1/returns", json: #"{"order":"PO-2/1","from":"STORE","item":"BOLT","lot":"L2","quantity":"301","reason":"all of it"}"#)
            #expect(tooMuch.status == 409 && tooMuch.text.contains("over-return") && tooMuch.text.contains("300 received"), "\(tooMuch.text)")
            let unknown = try await HTTP.request("POST", agent + "/v1/returns", json: #"{"order":"PO-9/1","from":"STORE","item":"BOLT","lot":"L2","quantity":"1","reason":"x"}"#)
            #expect(unknown.status == 404, "\(unknown.text)")
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-2","line":1,"location":"STORE","item":"BOLT","lot":"L3","quantity":"50"}"#)
            #expect(try await ok(agent, "GET", "/v1/work-orders/WO-3/readiness")["materialReady"] as? Bool == true)
        }
    }

    @Test func readinessAndReleaseAgreeOnWhereTheStockIs() async throws {
        try await withPlant { agent in
            try await ok(agent, "POST", "/v1/purchase-orders", #"{"order":"PO-3","supplier":"S1","lines":[{"line":1,"item":"BOLT","quantity":"10"}]}"#)
            try await ok(agent, "POST", "/v1/receipts", #"{"order":"PO-3","line":1,"location":"LINE","item":"BOLT","lot":"L4","quantity":"10"}"#)
            try await ok(agent, "POST", "/v1/work-orders", #"{"workOrder":"WO-4","item":"ASSY","quantity":"10","sourceLocation":"STORE","outputLocation":"STORE"}"#)
            let readiness = try await ok(agent, "GET", "/v1/work-orders/WO-4/readiness")
            let component = bolts(readiness)
            #expect(readiness["materialReady"] as? Bool == false && component["fromStock"] as? String == "0", "\(readiness)")
            let moves = component["toMove"] as? [[String: Any]] ?? []
            #expect(moves.map { "\($0["from"]!)→\($0["to"]!) \($0["quantity"]!)" } == ["LINE→STORE 10"], "\(component)")
            let refused = try await HTTP.request("POST", agent + "/v1/work-orders/WO-4/release", json: "{}")
            #expect(refused.status == 409, "release reserves only at STORE, as readiness says: \(refused.text)")
            #expect(refused.text.contains("0 on hand at STORE") && refused.text.contains("10 free at LINE: move it to STORE first"), "\(refused.text)")

            try await ok(agent, "POST", "/v1/moves", #"{"from":"LINE","to":"STORE","item":"BOLT","lot":"L4","quantity":"10"}"#)
            #expect(try await ok(agent, "GET", "/v1/work-orders/WO-4/readiness")["materialReady"] as? Bool == true)
            #expect(try await ok(agent, "POST", "/v1/work-orders/WO-4/release")["status"] as? String == "released")
        }
    }

    @Test func aSecondLabelCannotChangeAKnownLotsDates() async throws {
        try await withPlant { agent in
            try await ok(agent, "POST", "/v1/purchase-orders", #"{"order":"PO-4","supplier":"S1","lines":[{"line":1,"item":"BOLT","quantity":"100"}]}"#)
            let (far, near) = (Self.labelDate(900), Self.labelDate(100))
            func receive(_ elements: String) async throws -> HTTPAnswer {
                try await HTTP.request("POST", agent + "/v1/receipts", json: #"{"order":"PO-4","line":1,"location":"STORE","scan":"]C101\#(Self.boltGTIN)\#(elements)","quantity":"10"}"#)
            }
            let first = try await receive("17\(far.label)10R1")
            #expect(first.status == 201, "\(first.text)")
            // The same lot with an expiry 100 days out: refused, naming the lot and both dates.
            let second = try await receive("17\(near.label)10R1")
            #expect(second.status == 409 && second.text.contains("lot-label-conflict"), "\(second.text)")
            #expect(second.text.contains("R1") && second.text.contains(far.iso) && second.text.contains(near.iso), "\(second.text)")
            // A best-before or production date the lot has is held the same way; a label naming no date adds nothing.
            #expect(try await receive("17\(far.label)15\(near.label)10R1").status == 201)
            let bestBefore = try await receive("15\(far.label)10R1")
            #expect(bestBefore.status == 409 && bestBefore.text.contains("AI 15"), "\(bestBefore.text)")
            #expect(try await receive("11\(Self.labelDate(-10).label)10R1").status == 201)
            #expect(try await receive("11\(Self.labelDate(-11).label)10R1").status == 409)
            #expect(try await receive("10R1").status == 201)
            // A move scanning the conflicting label is refused too.
            let move = try await HTTP.request("POST", agent + "/v1/moves", json: #"{"from":"STORE","to":"LINE","scan":"]C101\#(Self.boltGTIN)17\#(near.label)10R1","quantity":"1"}"#)
            #expect(move.status == 409 && move.text.contains("lot-label-conflict"), "\(move.text)")
            let stock = try await ok(agent, "GET", "/v1/stock?item=BOLT")["stock"] as? [[String: Any]] ?? []
            #expect(stock.map { "\($0["lot"]!) \($0["expiry"]!) \($0["quantity"]!)" } == ["R1 \(far.iso) 40"])
        }
    }
}
