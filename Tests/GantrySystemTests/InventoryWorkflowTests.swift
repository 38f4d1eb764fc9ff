import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// Every scan workflow through the agent's real HTTP API, with the item master pulled from a real hub.
@Suite struct InventoryWorkflowTests {
    static let gs = "\u{1D}"
    static let boltGTIN = "09506000134352", motorGTIN = "09506000134376", assyGTIN = "09506000134383"

    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Steel & Co","status":"approved"}},
          {"kind":"item","company":"ACME","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot",
            "gtins":["\(boltGTIN)"],"conversions":[{"uom":"BOX","factor":"100"}]}},
          {"kind":"item","company":"ACME","key":"MOTOR","data":{"description":"Motor","uom":"EA","tracking":"serial","gtins":["\(motorGTIN)"]}},
          {"kind":"item","company":"ACME","key":"OIL","data":{"description":"Oil","uom":"L","tracking":"none"}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot","gtins":["\(assyGTIN)"]}},
          {"kind":"item","company":"ACME","key":"PALLET","data":{"description":"Pallet","uom":"EA","tracking":"serial"}}
        ]}
        """

    /// A hub with the masters above, an agent that has pulled them, its locations and purchase order PO-1.
    func withPlant(_ body: (_ agent: String, _ hub: HubFixture) async throws -> Void) async throws {
        try await withHub { hub in
            _ = try await MasterService(store: hub.store).commit(
                try MasterChangeSet.read(Data(Self.masters.utf8)).records, by: .local(), summary: "masters")
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir,
                                    configure: { $0.mastersPollInterval = .milliseconds(100) }) { agent in
                    try await prepare(agent)
                    try await body(agent, hub)
                }
            }
        }
    }

    /// Locations and purchase order PO-1 at a plant whose masters have arrived.
    func prepare(_ agent: String) async throws {
        try await eventually("the masters arrive") {
            (try await HTTP.request("GET", "\(agent)/v1/masters?kind=item").json()["records"] as? [Any])?.count == 5
        }
        for (code, type) in [("RECV", "receiving"), ("A1", "storage"), ("A2", "storage"), ("QA", "quarantine"), ("LINE", "production")] {
            let made = try await HTTP.request("POST", "\(agent)/v1/locations", json: #"{"code":"\#(code)","type":"\#(type)","warehouse":"W1"}"#)
            #expect(made.status == 201, "\(made.text)")
        }
        let order = try await HTTP.request("POST", "\(agent)/v1/purchase-orders", json: """
            {"order":"PO-1","supplier":"S1","lines":[
              {"line":1,"item":"BOLT","quantity":"100","tolerancePercent":"5"},
              {"line":2,"item":"MOTOR","quantity":"2"},
              {"line":3,"item":"OIL","quantity":"50.5"},
              {"line":4,"item":"ASSY","quantity":"10"}]}
            """)
        #expect(order.status == 201, "\(order.text)")
    }

    func post(_ agent: String, _ path: String, _ json: String) async throws -> HTTPAnswer {
        try await HTTP.request("POST", agent + path, json: json)
    }

    func problem(_ answer: HTTPAnswer) throws -> ProblemDetails { try answer.decode(ProblemDetails.self) }

    func code(_ answer: HTTPAnswer) -> String? { (try? answer.decode(ProblemDetails.self))?.code }

    func stock(_ agent: String, item: String, location: String? = nil) async throws -> [[String: Any]] {
        let query = "item=\(item)" + (location.map { "&location=\($0)" } ?? "")
        return try await HTTP.request("GET", "\(agent)/v1/stock?\(query)").json()["stock"] as? [[String: Any]] ?? []
    }

    func quantity(_ rows: [[String: Any]]) -> Decimal {
        rows.reduce(Decimal(0)) { $0 + (Decimal(string: $1["quantity"] as? String ?? "0") ?? 0) }
    }

    static func bolt(lot: String, expiry: String = "301231") -> String { "]C101\(boltGTIN)17\(expiry)10\(lot)" }
    static func motor(serial: String) -> String { "]d201\(motorGTIN)21\(serial)" }

    @Test func receivingTakesTheRightItemWithinToleranceAndRefusesTheRest() async throws {
        try await withPlant { agent, _ in
            let id = UUID()
            let first = try await post(agent, "/v1/receipts", #"{"id":"\#(id)","order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "L42"))","quantity":"60"}"#)
            #expect(first.status == 201, "\(first.text)")
            let body = try first.json()
            #expect(body["lot"] as? String == "L42" && body["expiry"] as? String == "2030-12-31" && body["quantity"] as? String == "60")
            #expect((body["message"] as? String)?.contains("60 of 100 received") == true, "\(body)")
            // A retried scan is the same receipt.
            let again = try await post(agent, "/v1/receipts", #"{"id":"\#(id)","order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "L42"))","quantity":"60"}"#)
            let repeated = try again.json()
            #expect(again.status == 200 && repeated["duplicate"] as? Bool == true)
            #expect(quantity(try await stock(agent, item: "BOLT")) == 60)

            // One box is 100 bolts: 160 would pass the 5 % tolerance of 100.
            let over = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "L42"))","quantity":"1","uom":"BOX"}"#)
            #expect(over.status == 409 && code(over) == "over-receipt", "\(over.text)")
            #expect(try problem(over).detail.contains("at most 45"), "\(over.text)")
            let rest = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "L43"))","quantity":"45"}"#)
            #expect(rest.status == 201, "\(rest.text)")

            let wrong = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.motor(serial: "SN1"))"}"#)
            #expect(wrong.status == 422 && code(wrong) == "wrong-item", "\(wrong.text)")
            #expect(try problem(wrong).detail.contains("PO-1/1 is for BOLT"))
            let noLot = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"]C101\#(Self.boltGTIN)","quantity":"1"}"#)
            #expect(code(noLot) == "lot-required")
            let unknown = try await post(agent, "/v1/receipts", #"{"order":"PO-9","line":1,"location":"RECV","item":"OIL","quantity":"1"}"#)
            #expect(unknown.status == 404)
            let garbage = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"]C101\#(Self.boltGTIN.dropLast())9"}"#)
            #expect(code(garbage) == "invalid-scan", "\(garbage.text)")

            // Serials: one unit each, never twice in stock.
            let motor = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":2,"location":"RECV","scan":"\#(Self.motor(serial: "SN1"))"}"#)
            #expect(motor.status == 201, "\(motor.text)")
            let twice = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":2,"location":"RECV","scan":"\#(Self.motor(serial: "SN1"))"}"#)
            #expect(twice.status == 409 && code(twice) == "serial-in-stock", "\(twice.text)")
            let two = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":2,"location":"RECV","scan":"\#(Self.motor(serial: "SN2"))","quantity":"2"}"#)
            #expect(code(two) == "serial-quantity")

            // An expired lot only into quarantine.
            let expired = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "OLD", expiry: "200101"))","quantity":"1"}"#)
            #expect(expired.status == 409 && code(expired) == "expired")
            let held = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":3,"location":"QA","item":"OIL","quantity":"50.5"}"#)
            #expect(held.status == 201, "\(held.text)")
            let lines = try await HTTP.request("GET", "\(agent)/v1/purchase-orders?order=PO-1").json()["lines"] as? [[String: String]] ?? []
            #expect(lines.map { $0["received"] ?? "" } == ["105", "1", "50.5", "0"])
        }
    }

    @Test func reservationsHoldStockForTheirOrderAndHeldStockIsNeverIssued() async throws {
        try await withPlant { agent, _ in
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "L1", expiry: "290101"))","quantity":"40"}"#)
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","scan":"\#(Self.bolt(lot: "L2", expiry: "300101"))","quantity":"40"}"#)
            let moved = try await post(agent, "/v1/moves", #"{"from":"RECV","to":"A1","scan":"\#(Self.bolt(lot: "L1", expiry: "290101"))","quantity":"40"}"#)
            #expect(moved.status == 201, "\(moved.text)")
            _ = try await post(agent, "/v1/moves", #"{"from":"RECV","to":"A2","item":"BOLT","lot":"L2","quantity":"40"}"#)

            // First expiring first: WO-2's 50 take all of L1 and 10 of L2.
            let reserved = try await post(agent, "/v1/reservations", #"{"workOrder":"WO-2","lines":[{"item":"BOLT","quantity":"50"}]}"#)
            #expect(reserved.status == 201, "\(reserved.text)")
            let held = (try reserved.json()["reservations"] as? [[String: Any]] ?? []).map { "\($0["lot"]!):\($0["quantity"]!)" }
            #expect(held == ["L1:40", "L2:10"])

            let short = try await post(agent, "/v1/reservations", #"{"workOrder":"WO-3","lines":[{"item":"BOLT","quantity":"40"},{"item":"OIL","quantity":"1"}]}"#)
            #expect(short.status == 409, "\(short.text)")
            let shortages = try problem(short).shortages ?? []
            #expect(shortages.map(\.item) == ["BOLT", "OIL"])
            #expect(shortages.first.map { "\($0.needed) \($0.onHand) \($0.reservedElsewhere) \($0.short)" } == "40 80 50 10")
            let refusedOrder = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-3").json()["reservations"] as? [Any]
            #expect(refusedOrder?.isEmpty == true, "nothing reserved for a refused order")

            let stolen = try await post(agent, "/v1/issues", #"{"workOrder":"WO-1","from":"A1","item":"BOLT","lot":"L1","quantity":"1"}"#)
            #expect(stolen.status == 409 && code(stolen) == "reserved-elsewhere", "\(stolen.text)")
            let free = try await post(agent, "/v1/issues", #"{"workOrder":"WO-1","from":"A2","item":"BOLT","lot":"L2","quantity":"30"}"#)
            #expect(free.status == 201, "\(free.text)")
            let own = try await post(agent, "/v1/issues", #"{"workOrder":"WO-2","from":"A1","item":"BOLT","lot":"L1","quantity":"40"}"#)
            #expect(own.status == 201, "\(own.text)")
            let left = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-2").json()["reservations"] as? [[String: Any]] ?? []
            #expect(left.map { "\($0["lot"]!):\($0["quantity"]!)" } == ["L2:10"])

            // A quarantined lot: its reservations go back, and nothing of it is issued or reserved.
            let hold = try await post(agent, "/v1/lots/BOLT/L2/quarantine", #"{"reason":"supplier recall"}"#)
            #expect(hold.status == 200, "\(hold.text)")
            let afterHold = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-2").json()["reservations"] as? [Any]
            #expect(afterHold?.isEmpty == true)
            let blocked = try await post(agent, "/v1/issues", #"{"workOrder":"WO-2","from":"A2","item":"BOLT","lot":"L2","quantity":"1"}"#)
            #expect(blocked.status == 409 && code(blocked) == "quarantined")
            let none = try await post(agent, "/v1/reservations", #"{"workOrder":"WO-4","lines":[{"item":"BOLT","quantity":"1"}]}"#)
            #expect((try? problem(none))?.shortages?.first?.onHand == .zero)
            let fromQA = try await post(agent, "/v1/moves", #"{"from":"A2","to":"QA","item":"BOLT","lot":"L2","quantity":"10"}"#)
            #expect(fromQA.status == 201)
            _ = try await post(agent, "/v1/lots/BOLT/L2/release", #"{"reason":"recall cleared"}"#)
            let inQA = try await post(agent, "/v1/issues", #"{"workOrder":"WO-2","from":"QA","item":"BOLT","lot":"L2","quantity":"1"}"#)
            #expect(inQA.status == 409 && code(inQA) == "quarantined", "stock in a quarantine location is held too")
        }
    }

    @Test func expiredLotsAreBlockedFromIssue() async throws {
        try await withPlant { agent, _ in
            let received = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"QA","scan":"\#(Self.bolt(lot: "OLD", expiry: "200101"))","quantity":"5"}"#)
            #expect(received.status == 201, "\(received.text)")
            _ = try await post(agent, "/v1/moves", #"{"from":"QA","to":"A1","item":"BOLT","lot":"OLD","quantity":"5"}"#)
            let rows = try await stock(agent, item: "BOLT", location: "A1")
            #expect(rows.first?["expired"] as? Bool == true && rows.first?["available"] as? String == "0")
            let issue = try await post(agent, "/v1/issues", #"{"workOrder":"WO-1","from":"A1","item":"BOLT","lot":"OLD","quantity":"1"}"#)
            #expect(issue.status == 409 && code(issue) == "expired", "\(issue.text)")
        }
    }

    @Test func aCycleCountPostsVariancesAndShrinksReservationsPastTheStock() async throws {
        try await withPlant { agent, _ in
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"A1","scan":"\#(Self.bolt(lot: "L1"))","quantity":"50"}"#)
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":3,"location":"A1","item":"OIL","quantity":"20"}"#)
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":2,"location":"A1","scan":"\#(Self.motor(serial: "SN7"))"}"#)
            _ = try await post(agent, "/v1/reservations", #"{"workOrder":"WO-5","lines":[{"item":"BOLT","quantity":"45"}]}"#)
            let counted = try await post(agent, "/v1/counts", """
                {"location":"A1","complete":true,"lines":[
                  {"scan":"\(Self.bolt(lot: "L1"))","quantity":"40"},
                  {"item":"OIL","quantity":"20"}]}
                """)
            #expect(counted.status == 201, "\(counted.text)")
            let body = try counted.json()
            let lines = body["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { "\($0["item"]!) \($0["expected"]!)→\($0["counted"]!)" } == ["BOLT 50→40", "MOTOR 1→0", "OIL 20→20"])
            #expect(body["exactLines"] as? Int == 1)
            #expect((body["shortenedReservations"] as? [String: String])?["WO-5"] == "5")
            #expect(quantity(try await stock(agent, item: "BOLT")) == 40)
            #expect(try await stock(agent, item: "MOTOR").isEmpty, "the serial not found was written off")
            let reservations = try await HTTP.request("GET", "\(agent)/v1/reservations?workOrder=WO-5").json()["reservations"] as? [[String: Any]]
            #expect(reservations?.first?["quantity"] as? String == "40")
            let counts = try await HTTP.request("GET", "\(agent)/v1/counts").json()["counts"] as? [[String: Any]] ?? []
            #expect(counts.first?["location"] as? String == "A1" && counts.first?["lines"] as? Int == 3 && counts.first?["exactLines"] as? Int == 1)
            // The ledger holds the receipts and the count's two adjustments, in order.
            let ledger = try await HTTP.request("GET", "\(agent)/v1/moves").json()["moves"] as? [[String: Any]] ?? []
            #expect(ledger.map { "\($0["kind"]!) \($0["item"]!) \($0["quantity"]!)" }
                    == ["receipt BOLT 50", "receipt OIL 20", "receipt MOTOR 1", "adjustment BOLT 10", "adjustment MOTOR 1"])
            #expect(ledger.suffix(2).allSatisfy { ($0["reference"] as? [String: Any])?["kind"] as? String == "count" && $0["from"] as? String == "A1" })
        }
    }

    @Test func genealogyTracesLotsAndSerialsBothWaysOverLevels() async throws {
        try await withPlant { agent, _ in
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":1,"location":"LINE","scan":"\#(Self.bolt(lot: "L9"))","quantity":"20"}"#)
            _ = try await post(agent, "/v1/receipts", #"{"order":"PO-1","line":2,"location":"LINE","scan":"\#(Self.motor(serial: "SN9"))"}"#)
            let bolts = try await post(agent, "/v1/issues", #"{"workOrder":"WO-9","from":"LINE","scan":"\#(Self.bolt(lot: "L9"))","quantity":"8"}"#)
            let motors = try await post(agent, "/v1/issues", #"{"workOrder":"WO-9","from":"LINE","scan":"\#(Self.motor(serial: "SN9"))"}"#)
            #expect(bolts.status == 201 && motors.status == 201, "\(bolts.text) \(motors.text)")
            let output = try await post(agent, "/v1/outputs", #"{"workOrder":"WO-9","to":"A1","scan":"]C101\#(Self.assyGTIN)10A1","quantity":"2"}"#)
            #expect(output.status == 201, "\(output.text)")
            let assemblies = try await post(agent, "/v1/issues", #"{"workOrder":"WO-10","from":"A1","item":"ASSY","lot":"A1","quantity":"2"}"#)
            let pallet = try await post(agent, "/v1/outputs", #"{"workOrder":"WO-10","to":"A1","item":"PALLET","serial":"P1"}"#)
            #expect(assemblies.status == 201 && pallet.status == 201, "\(assemblies.text) \(pallet.text)")

            let backward = try await HTTP.request("GET", "\(agent)/v1/genealogy?item=PALLET&serial=P1").json()["links"] as? [[String: Any]] ?? []
            let inputs = backward.map { link in
                let input = link["input"] as? [String: Any] ?? [:]
                return "\(link["depth"]!):\(input["item"]!) \(input["lot"] ?? input["serial"] ?? "")"
            }
            #expect(Set(inputs) == ["1:ASSY A1", "2:BOLT L9", "2:MOTOR SN9"], "\(inputs)")
            let forward = try await HTTP.request("GET", "\(agent)/v1/genealogy?item=BOLT&lot=L9&direction=forward").json()["links"] as? [[String: Any]] ?? []
            let outputs = forward.map { link in
                let output = link["output"] as? [String: Any] ?? [:]
                return "\(link["depth"]!):\(output["item"]!)"
            }
            #expect(outputs == ["1:ASSY", "2:PALLET"])
        }
    }

    @Test func theHubAddsUpPlantsStockAndTracesALotAcrossThem() async throws {
        try await withHub { hub in
            _ = try await MasterService(store: hub.store).commit(
                try MasterChangeSet.read(Data(Self.masters.utf8)).records, by: .local(), summary: "masters")
            let berToken = try await hub.enrol("BER"), hamToken = try await hub.enrol("HAM")
            try await withTemporaryDirectory { dir in
                let fast: (inout AgentConfiguration) -> Void = { $0.mastersPollInterval = .milliseconds(100) }
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: berToken, dir: dir, configure: fast) { berlin in
                    try await withAgent(plantID: "ACME-HAM", hubURL: hub.url, token: hamToken, dir: dir, configure: fast) { hamburg in
                        try await prepare(berlin)
                        try await prepare(hamburg)
                        for (path, body) in [
                            ("/v1/receipts", #"{"order":"PO-1","line":1,"location":"LINE","scan":"\#(Self.bolt(lot: "L9"))","quantity":"100"}"#),
                            ("/v1/issues", #"{"workOrder":"WO-9","from":"LINE","item":"BOLT","lot":"L9","quantity":"8"}"#),
                            ("/v1/outputs", #"{"workOrder":"WO-9","to":"A1","item":"ASSY","lot":"A1","quantity":"2"}"#),
                        ] {
                            let answer = try await post(berlin, path, body)
                            #expect(answer.status == 201, "\(path) \(answer.text)")
                        }
                        for (path, body) in [
                            ("/v1/receipts", #"{"order":"PO-1","line":4,"location":"LINE","scan":"]C101\#(Self.assyGTIN)10A1","quantity":"2"}"#),
                            ("/v1/issues", #"{"workOrder":"WO-7","from":"LINE","item":"ASSY","lot":"A1","quantity":"2"}"#),
                            ("/v1/outputs", #"{"workOrder":"WO-7","to":"A1","item":"PALLET","serial":"P1"}"#),
                        ] {
                            let answer = try await post(hamburg, path, body)
                            #expect(answer.status == 201, "\(path) \(answer.text)")
                        }
                        try await eventually("both logs reach the hub") {
                            let berlinStatus = try await HTTP.request("GET", "\(berlin)/v1/status").json()
                            let hamburgStatus = try await HTTP.request("GET", "\(hamburg)/v1/status").json()
                            return ((berlinStatus["backlog"] as? [String: Any])?["events"] as? Int) == 0
                                && ((hamburgStatus["backlog"] as? [String: Any])?["events"] as? Int) == 0
                        }
                        let report = try await HTTP.request("GET", "\(hub.url)/v1/reports/stock", token: hub.adminToken).json()
                        let balances = (report["balances"] as? [[String: Any]] ?? []).map { "\($0["plant"]!) \($0["item"]!) \($0["quantity"]!)" }
                        #expect(balances == ["ACME-BER ASSY 2", "ACME-BER BOLT 92", "ACME-HAM PALLET 1"], "\(balances)")

                        let trace = try await HTTP.request(
                            "GET", "\(hub.url)/v1/lots/trace?item=PALLET&serial=P1", token: hub.adminToken).json()
                        let links = (trace["links"] as? [[String: Any]] ?? []).map { link -> String in
                            let input = link["input"] as? [String: Any] ?? [:]
                            return "\(link["depth"]!) \(link["plant"]!) \(input["item"]!) \(input["lot"]!)"
                        }
                        #expect(links == ["1 ACME-HAM ASSY A1", "2 ACME-BER BOLT L9"], "\(links)")
                        let whereabouts = (trace["stock"] as? [[String: Any]] ?? []).map { "\($0["plant"]!) \($0["item"]!) \($0["lot"]!)" }
                        #expect(whereabouts == ["ACME-BER ASSY A1", "ACME-BER BOLT L9"], "\(whereabouts)")
                    }
                }
            }
        }
    }

    @Test func aWedgeScannersLinesDriveTheWorkflowsThroughTheScannerCommand() async throws {
        try await withPlant { agent, _ in
            let scanner = try ChildProcess("gantry-agent", ["scanner", "--agent", agent])
            scanner.send("""
                #RECEIVE PO-1 1 RECV
                #QTY 30
                \(Self.bolt(lot: "W1"))\r
                \(Self.motor(serial: "SN5"))
                #MOVE RECV A1
                #QTY 30
                \(Self.bolt(lot: "W1"))
                #COUNT A1 COMPLETE
                #QTY 28
                \(Self.bolt(lot: "W1"))
                #END

                """)
            scanner.closeInput()
            let status = try await scanner.exit()
            let lines = scanner.standardOutput.split(separator: "\n").map(String.init)
            #expect(status == 1, "one scan was refused")
            #expect(lines.contains { $0.hasPrefix("OK Received 30 EA of BOLT lot W1 into RECV") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("REFUSED wrong-item: PO-1/1 is for BOLT") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("OK Moved 30 EA of BOLT lot W1 from RECV to A1") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("OK Counted 1 line(s) at A1: 0 exact, 1 adjusted") }, "\(lines)")
            #expect(quantity(try await stock(agent, item: "BOLT")) == 28)
        }
    }
}
