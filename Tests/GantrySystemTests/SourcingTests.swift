import Crypto
import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Hummingbird
import Synchronization
import Testing

/// A late supplier turns work orders at risk, raises an alert with ranked alternates that leaves as a signed,
/// retried webhook; goods that fail incoming inspection go to quarantine, count against the supplier and go back.
@Suite struct SourcingTests {
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Slow Motors","status":"approved"}},
          {"kind":"supplier","company":"ACME","key":"S2","data":{"name":"Cheap Motors","status":"approved"}},
          {"kind":"supplier","company":"ACME","key":"S3","data":{"name":"Fast Motors","status":"conditional"}},
          {"kind":"supplier","company":"ACME","key":"S4","data":{"name":"Blocked Motors","status":"blocked"}},
          {"kind":"item","company":"ACME","key":"MOTOR","data":{"description":"Motor","uom":"EA","tracking":"lot"}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot"}},
          {"kind":"supplier-item","company":"ACME","key":"S1:MOTOR","data":{"supplier":"S1","item":"MOTOR","leadTimeDays":60,"price":{"amount":"100","currency":"EUR"},"rank":1}},
          {"kind":"supplier-item","company":"ACME","key":"S2:MOTOR","data":{"supplier":"S2","item":"MOTOR","leadTimeDays":30,"price":{"amount":"90","currency":"EUR"},"rank":2}},
          {"kind":"supplier-item","company":"ACME","key":"S3:MOTOR","data":{"supplier":"S3","item":"MOTOR","leadTimeDays":10,"price":{"amount":"120","currency":"EUR"},"rank":3}},
          {"kind":"supplier-item","company":"ACME","key":"S4:MOTOR","data":{"supplier":"S4","item":"MOTOR","leadTimeDays":1,"price":{"amount":"1","currency":"EUR"},"rank":4}}
        ]}
        """

    /// A webhook receiver that fails its first request and keeps every request it got.
    final class Receiver: Sendable {
        let requests = Mutex<[(headers: [String: String], body: String)]>([])
    }

    @Test func aLateSupplierRaisesASignedAlertWithRankedAlternatesAndFailedGoodsGoBack() async throws {
        let receiver = Receiver()
        let router = Router()
        router.post("/hooks") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let count = receiver.requests.withLock { requests in
                requests.append((headers, String(buffer: body)))
                return requests.count
            }
            return Response(status: count == 1 ? .internalServerError : .noContent)
        }
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let hooks = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                onServerRunning: { announce.yield($0.localAddress?.port ?? 0) }, logger: quietLogger)
        try await withService(hooks) {
            var iterator = ports.makeAsyncIterator()
            let hookPort = await iterator.next()!
            try await withHub { hub in
                _ = try await MasterService(store: hub.store).commit(
                    try MasterChangeSet.read(Data(Self.masters.utf8)).records, by: .local(), summary: "masters")
                let token = try await hub.enrol("BER")
                try await withTemporaryDirectory { dir in
                    try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, configure: {
                        $0.mastersPollInterval = .milliseconds(100)
                        $0.alerts.webhookURL = "http://127.0.0.1:\(hookPort)/hooks"
                        $0.alerts.webhookSecret = "s3cret"
                        $0.alerts.backoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(200))
                        $0.alerts.pollInterval = .milliseconds(50)
                    }) { agent in
                        try await scenario(agent: agent, receiver: receiver, hub: hub)
                    }
                }
            }
        }
    }

    func scenario(agent: String, receiver: Receiver, hub: HubFixture) async throws {
        func post(_ path: String, _ json: String, _ method: String = "POST") async throws -> HTTPAnswer {
            try await HTTP.request(method, agent + path, json: json)
        }
        try await eventually("the masters arrive") {
            (try await HTTP.request("GET", "\(agent)/v1/masters?kind=supplier-item").json()["records"] as? [Any])?.count == 4
        }
        for (code, type) in [("RECV", "receiving"), ("STORE", "storage"), ("QA", "quarantine")] {
            _ = try await post("/v1/locations", #"{"code":"\#(code)","type":"\#(type)","warehouse":"W1"}"#)
        }
        let blocked = try await post("/v1/purchase-orders", #"{"order":"PO-X","supplier":"S4","lines":[{"line":1,"item":"MOTOR","quantity":"1"}]}"#)
        #expect(blocked.status == 422 && blocked.text.contains("approved list"), "a blocked supplier gets no order")
        let placed = try await post("/v1/purchase-orders", #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"MOTOR","quantity":"10","due":"2030-03-01"}]}"#)
        #expect(placed.status == 201, "\(placed.text)")
        let lines = try await HTTP.request("GET", "\(agent)/v1/purchase-orders?order=PO-1").json()["lines"] as? [[String: String]]
        #expect(lines?.first?["price"] == "100 EUR", "the price comes from the hub's supplier item")

        _ = try await post("/v1/work-centres", #"{"code":"BENCH","name":"Bench","calendar":{"days":[1,2,3,4,5,6,7],"shiftStart":0,"shiftEnd":1440,"timeZone":"UTC"}}"#)
        _ = try await post("/v1/boms/ASSY", #"{"lines":[{"component":"MOTOR","quantity":"1"}]}"#, "PUT")
        _ = try await post("/v1/routings/ASSY", #"{"operations":[{"sequence":10,"workCentre":"BENCH","setupMinutes":"0","runMinutesPerUnit":"10"}]}"#, "PUT")
        let order = try await post("/v1/work-orders", #"{"workOrder":"WO-7","item":"ASSY","quantity":"4","sourceLocation":"STORE","outputLocation":"STORE","earliestStart":"2030-04-01T08:00:00Z"}"#)
        #expect(order.status == 201, "\(order.text)")
        var readiness = try await HTTP.request("GET", "\(agent)/v1/work-orders/WO-7/readiness").json()
        #expect(readiness["materialReadyBy"] as? String == "2030-03-01" && readiness["atRisk"] as? Bool == false,
                "due in March for an April start: not ready yet, not at risk")

        // The supplier confirms for June: later than April, when WO-7 needs the motors.
        let confirmed = try await post("/v1/purchase-orders/PO-1/lines/1/confirmation", #"{"due":"2030-06-01","quantity":"10"}"#)
        #expect(confirmed.status == 200, "\(confirmed.text)")
        let delay = try #require(try confirmed.json()["delay"] as? [String: Any])
        #expect(delay["affectedWorkOrders"] as? [String] == ["WO-7"] && delay["neededBy"] as? String == "2030-04-01")
        let ranked = (delay["alternates"] as? [[String: Any]] ?? []).compactMap { $0["supplier"] as? String }
        #expect(ranked == ["S3", "S2"], "fastest first; the blocked supplier is no alternate")
        readiness = try await HTTP.request("GET", "\(agent)/v1/work-orders/WO-7/readiness").json()
        #expect(readiness["materialReadyBy"] as? String == "2030-06-01" && readiness["atRisk"] as? Bool == true,
                "readiness follows the supplier's confirmed date")

        // The alert leaves as a webhook: the first attempt fails, the retry is delivered, both are logged.
        try await eventually("the alert is delivered") {
            let alerts = try await HTTP.request("GET", "\(agent)/v1/alerts").json()["alerts"] as? [[String: Any]] ?? []
            return alerts.first?["deliveredAt"] != nil
        }
        let alerts = try await HTTP.request("GET", "\(agent)/v1/alerts").json()["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.count == 1 && alerts.first?["kind"] as? String == "supplier-delay")
        let deliveries = alerts.first?["deliveries"] as? [[String: Any]] ?? []
        #expect(deliveries.map { $0["status"] as? Int } == [500, 204])
        let received = receiver.requests.withLock { $0 }
        #expect(received.count == 2 && received[0].body == received[1].body)
        let last = try #require(received.last)
        let timestamp = try #require(last.headers["x-gantry-timestamp"])
        let expected = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(last.body)".utf8), using: SymmetricKey(data: Data("s3cret".utf8)))
            .map { String(format: "%02x", $0) }.joined()
        #expect(last.headers["x-gantry-signature"] == "sha256=\(expected)", "the receiver can check who sent it")
        #expect(last.body.contains("WO-7") && last.body.contains("supplier-delay"))

        // The motors arrive, fail incoming inspection, go to quarantine against S1, and are returned.
        _ = try await post("/v1/quality-points", #"{"point":"IN-MOTOR","scope":"receipt","item":"MOTOR","kind":"pass-fail","characteristic":"insulation test","onFailure":"quarantine"}"#)
        let receipt = try await post("/v1/receipts", #"{"order":"PO-1","line":1,"location":"RECV","item":"MOTOR","lot":"M1","quantity":"10"}"#)
        #expect(receipt.status == 201, "\(receipt.text)")
        let inspection = try await post("/v1/quality-checks", #"{"point":"IN-MOTOR","lot":"M1","location":"RECV","quantity":"10","passed":false,"quarantineLocation":"QA"}"#)
        #expect(inspection.status == 201, "\(inspection.text)")
        let cases = try await HTTP.request("GET", "\(agent)/v1/nonconformances").json()["nonconformances"] as? [[String: Any]] ?? []
        #expect(cases.first?["supplier"] as? String == "S1" && cases.first?["disposition"] as? String == "quarantined")
        let returned = try await post("/v1/returns", #"{"order":"PO-1/1","from":"QA","item":"MOTOR","lot":"M1","quantity":"10","reason":"failed insulation test"}"#)
        #expect(returned.status == 201, "\(returned.text)")
        let stock = try await HTTP.request("GET", "\(agent)/v1/stock?item=MOTOR").json()["stock"] as? [Any]
        #expect(stock?.isEmpty == true)
        // An order from S2 that is past its date is overdue; among its alternates S1 now carries its quality record.
        _ = try await post("/v1/purchase-orders", #"{"order":"PO-2","supplier":"S2","lines":[{"line":1,"item":"MOTOR","quantity":"5","due":"2020-01-01"}]}"#)
        let exceptions = try await HTTP.request("GET", "\(agent)/v1/purchase-orders/exceptions").json()["exceptions"] as? [[String: Any]] ?? []
        let overdue = try #require(exceptions.first { $0["order"] as? String == "PO-2" })
        #expect(overdue["kind"] as? String == "supplier-overdue")
        let alternates = overdue["alternates"] as? [[String: Any]] ?? []
        #expect(alternates.compactMap { $0["supplier"] as? String } == ["S3", "S1"])
        #expect(alternates.last?["qualityPPM"] as? Int == 1_000_000, "all ten motors from S1 failed")

        // At the hub the nonconformance counts in S1's scorecard, and the line arrives with the price it was placed at.
        let window = "from=\(Timestamp.format(Date() - 86_400))&to=\(Timestamp.format(Date() + 86_400))"
        try await eventually("the hub's scorecard counts the failed motors") {
            let report = try await HTTP.request("GET", "\(hub.url)/v1/reports/suppliers?\(window)&supplier=S1", token: hub.adminToken).json()
            let quality = (report["suppliers"] as? [[String: Any]])?.first?["quality"] as? [String: Any]
            return quality?["ppm"] as? Int == 1_000_000 && quality?["nonconformances"] as? Int == 1
        }
        let noStart = try await HTTP.request("GET", "\(hub.url)/v1/reports/suppliers?to=2026-01-01T00:00:00Z", token: hub.adminToken)
        let field = try noStart.json()["field"] as? String
        #expect(noStart.status == 400 && field == "from", "\(noStart.text)")
        let atHub = try await hub.store.supplierPerformance(company: "ACME", from: Date() - 300 * 86_400, to: Date() + 86_400, scope: .all).lines
        #expect(atHub.first { $0.order == "PO-1" }.map { "\($0.price ?? 0) \($0.currency ?? "")" } == "100 EUR")
    }
}
