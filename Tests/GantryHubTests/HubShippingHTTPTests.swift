import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Logging
import ServiceLifecycle
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The shipping routes over real loopback HTTP: who may call them, what they refuse, and the figures they answer.
@Suite struct HubShippingHTTPTests {
    typealias Fixture = HubShippingContractTests

    struct Answer {
        var status: Int
        var json: JSONValue?
        var text: String

        /// A problem document's code (its type without the `urn:gantry:problem:` prefix).
        var code: String? {
            guard case .string(let type)? = self["type"] else { return nil }
            return type.replacingOccurrences(of: "urn:gantry:problem:", with: "")
        }

        subscript(_ member: String) -> JSONValue? {
            guard case .object(let members)? = json else { return nil }
            return members[member]
        }
    }

    struct Hub {
        var url: String
        var store: any HubStore
        var tokens: [String: String]

        func call(_ method: String, _ path: String, as who: String, json: String? = nil) async throws -> Answer {
            var request = URLRequest(url: URL(string: url + path)!)
            request.httpMethod = method
            request.setValue("Bearer \(tokens[who]!)", forHTTPHeaderField: "Authorization")
            if let json {
                request.httpBody = Data(json.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let text = String(decoding: data, as: UTF8.self)
            return Answer(status: (response as! HTTPURLResponse).statusCode, json: try? JSONValue.parse(text), text: text)
        }
    }

    /// A hub over a fresh store of `backend` on a free loopback port, with the group's plants and principals of each role.
    static func withHub<T: Sendable>(now: Date, backend: HubBackend = .sqlite, _ body: (Hub) async throws -> T) async throws -> T {
        try await backend.withStore { store in
            var configuration = HubConfiguration()
            configuration.httpPort = 0
            let (ports, announce) = AsyncStream.makeStream(of: Int.self)
            let app = buildHub(configuration: configuration, store: store, now: { now }, logger: HubBackend.quiet) { announce.yield($0) }
            let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: HubBackend.quiet)
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let result: Result<T, any Error>
                do {
                    var iterator = ports.makeAsyncIterator()
                    let port = await iterator.next()!
                    let administration = HubAdministration(store: store, configuration: configuration, now: { now })
                    var tokens: [String: String] = [:]
                    for (name, role, companies) in [
                        ("admin", Role.administrator, CompanyScope.all), ("planner", .planner, .only(["ACME", "BETA"])),
                        ("acme-planner", .planner, .only(["ACME"])), ("controller", .controller, .only(["BETA"])), ("buyer", .buyer, .all),
                        ("gamma", .controller, .only(["GAMMA"])),
                    ] {
                        tokens[name] = try await administration.addPrincipal(name: name, role: role, companies: companies)
                    }
                    try await Fixture.enrol(store, [("ACME", "BER"), ("BETA", "OSL"), ("GAMMA", "ROM")])
                    result = .success(try await body(Hub(url: "http://127.0.0.1:\(port)", store: store, tokens: tokens)))
                } catch {
                    result = .failure(error)
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return try result.get()
            }
        }
    }

    static let masters = #"""
        {"summary": "shipping masters", "records": [
          {"kind": "company", "key": "ACME", "data": {"legalName": "Acme GmbH", "currency": "EUR"}},
          {"kind": "company", "key": "BETA", "data": {"legalName": "Beta AS", "currency": "NOK"}},
          {"kind": "item", "key": "PUMP", "data": {"description": "Pump", "uom": "EA", "tracking": "lot"}},
          {"kind": "item", "key": "VALVE", "data": {"description": "Valve", "uom": "EA", "tracking": "lot"}},
          {"kind": "customer", "company": "ACME", "key": "C100", "data": {"name": "Northwind", "currency": "EUR", "paymentTermsDays": 30}},
          {"kind": "intercompany-price", "company": "ACME", "key": "BETA:PUMP",
           "data": {"buyer": "BETA", "item": "PUMP", "price": {"amount": "41.50", "currency": "EUR"}}},
          {"kind": "plant", "key": "ACME-BER", "data": {"name": "Berlin", "timeZone": "America/New_York", "gs1CompanyPrefix": "4012345"}}
        ]}
        """#

    static func order(_ reference: String, customer: String = "C100", plant: String = "ACME-BER", quantity: String = "10") -> String {
        #"""
        {"order": "\#(reference)", "plant": "\#(plant)", "customer": "\#(customer)", "requested": "2027-01-20",
         "lines": [{"line": 1, "item": "PUMP", "quantity": "\#(quantity)", "price": "12.50", "promised": "2027-01-22"},
                   {"line": 2, "item": "VALVE", "quantity": "4", "price": "3"}]}
        """#
    }

    @Test func ordersAndTransfersAreTakenByPlannersOfTheirCompaniesAndRefusedClearly() async throws {
        try await Self.withHub(now: Fixture.start) { hub in
            let committed = try await hub.call("POST", "/v1/masters", as: "admin", json: Self.masters)
            #expect(committed.status == 200, "\(committed.text)")
            let kinds = try await hub.store.masters(kind: nil, key: nil, company: nil, scope: .all).map(\.kind)
            #expect(Set(kinds).isSuperset(of: [.customer, .intercompanyPrice, .plant]))
            let audit = try await hub.store.auditEntries(after: 0, limit: 100, scope: .all).map(\.subject)
            #expect(audit.contains { $0.contains("customer") && $0.contains("C100") } && audit.contains { $0.contains("BETA:PUMP") })
            let steward = try await hub.call("PUT", "/v1/masters/intercompany-price/BETA:PUMP?company=ACME", as: "planner",
                                             json: #"{"data": {"buyer": "BETA", "item": "PUMP", "price": {"amount": "1", "currency": "EUR"}}}"#)
            #expect(steward.status == 403, "a planner may not set transfer prices: \(steward.text)")

            let placed = try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-1"))
            #expect(placed.status == 201, "\(placed.text)")
            #expect(try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-1")).status == 200)
            let changed = try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-1", quantity: "11"))
            #expect(changed.status == 409 && changed.code == "duplicate")
            try await Fixture.enrol(hub.store, [("ACME", "HAM")])
            let elsewhere = try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-1", plant: "ACME-HAM"))
            #expect(elsewhere.status == 409, "the same order for another plant is other content: \(elsewhere.text)")
            let stranger = try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-2", customer: "C999"))
            #expect(stranger.status == 422 && stranger.code == "unknown-counterpart" && stranger["field"] == .string("customer"))
            let noPlant = try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-2", plant: "ACME-XYZ"))
            #expect(noPlant.status == 404)
            #expect(try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-2", plant: "GAMMA-ROM")).status == 403)
            #expect(try await hub.call("POST", "/v1/customer-orders", as: "buyer", json: Self.order("SO-3")).status == 403)
            let malformed = try await hub.call("POST", "/v1/customer-orders", as: "planner", json: #"{"order": "SO-4"}"#)
            #expect((400...422).contains(malformed.status), "\(malformed.text)")

            let transfer = #"{"transfer": "TR-1", "fromPlant": "ACME-BER", "toPlant": "BETA-OSL", "requested": "2027-02-01", "lines": [{"line": 1, "item": "PUMP", "quantity": "8"}]}"#
            let sent = try await hub.call("POST", "/v1/transfers", as: "planner", json: transfer)
            #expect(sent.status == 201, "\(sent.text)")
            guard case .array(let instructions)? = sent["instructions"] else { Issue.record("no instructions: \(sent.text)"); return }
            #expect(instructions.count == 2 && sent.text.contains(#""amount":"41.50""#), "priced from the intercompany price list")
            #expect(try await hub.call("POST", "/v1/transfers", as: "acme-planner",
                                       json: transfer.replacingOccurrences(of: "TR-1", with: "TR-2")).status == 403,
                    "the principal must see both plants' companies")
            let unpriced = try await hub.call("POST", "/v1/transfers", as: "planner",
                                              json: transfer.replacingOccurrences(of: "TR-1", with: "TR-3").replacingOccurrences(of: "PUMP", with: "VALVE"))
            #expect(unpriced.status == 422 && unpriced.code == "unknown-counterpart" && unpriced.text.contains("VALVE"))

            let orders = try await hub.call("GET", "/v1/customer-orders?company=ACME&customer=C100", as: "acme-planner")
            #expect(orders.status == 200 && orders.text.contains(#""status":"open""#) && orders.text.contains("SO-1"))
            #expect(try await hub.call("GET", "/v1/customer-orders?company=BETA", as: "acme-planner").status == 403)
            #expect(try await hub.call("GET", "/v1/customer-orders?order=bad%20ref", as: "planner").status == 400)
            let gamma = try await hub.call("GET", "/v1/transfers", as: "gamma")
            #expect(gamma.status == 200 && !gamma.text.contains("TR-1"), "a third company does not see the transfer")
            #expect(try await hub.call("GET", "/v1/transfers?transfer=TR-1", as: "controller").text.contains(#""status":"open""#))
        }
    }
}

extension HubShippingHTTPTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    static func dispatched(_ shipment: String, order: String, lines: [(Int, String, Int64)], sscc: Int64) throws -> ShipmentDispatched {
        ShipmentDispatched(
            shipment: shipment, kind: .customerOrder, order: order, customer: "C100", toPlant: nil, company: "ACME", tradingPartner: nil,
            carrier: "DHL", trackingReference: "T-\(shipment)",
            units: [try Fixture.unit(sscc, lines.map { ($0.0, $0.1, "L1", $0.2) })],
            lines: lines.map { .init(line: $0.0, item: $0.1, quantity: Quantity($0.2), price: nil) }, backorders: [])
    }

    func report(_ hub: Hub, _ query: String) async throws -> ServiceLevelReport {
        let answer = try await hub.call("GET", "/v1/reports/service-level?\(query)", as: "acme-planner")
        #expect(answer.status == 200, "\(answer.text)")
        return try WireFormat.decoder().decode(ServiceLevelReport.self, from: Data(answer.text.utf8))
    }

    /// Ordered 2027-01-15 08:00 UTC (the hub's clock). SO-1: line 1, 10 PUMP requested 01-20, promised 01-22; line 2, 4 VALVE
    /// requested 01-20, promised 01-21 by the plant. SHP-1 leaves 2027-01-21 03:00 UTC, which is 01-20 in New York (the
    /// plant master's zone; in Berlin, where it was enrolled, it would be 01-21): 6 PUMP and 4 VALVE. SHP-2 leaves 01-23
    /// 12:00 UTC with the other 4 PUMP. SO-2: 5 PUMP requested 01-25, never shipped.
    @Test func serviceLevelFiguresAsWorkedOutByHand() async throws {
        try await Self.withHub(now: Fixture.start) { hub in
            #expect(try await hub.call("POST", "/v1/masters", as: "admin", json: Self.masters).status == 200)
            #expect(try await hub.call("POST", "/v1/customer-orders", as: "planner", json: Self.order("SO-1")).status == 201)
            let second = #"{"order": "SO-2", "plant": "ACME-BER", "customer": "C100", "requested": "2027-01-25", "lines": [{"line": 1, "item": "PUMP", "quantity": "5", "price": "12"}]}"#
            #expect(try await hub.call("POST", "/v1/customer-orders", as: "planner", json: second).status == 201)
            _ = try await hub.store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: [
                try Fixture.envelope(1, CustomerOrderAnswered(order: "SO-1", instruction: 1, lines: [
                    .init(line: 1, accepted: true, promised: "2027-01-22"), .init(line: 2, accepted: true, promised: "2027-01-21"),
                ])),
                try Fixture.envelope(2, try Self.dispatched("SHP-1", order: "SO-1", lines: [(1, "PUMP", 6), (2, "VALVE", 4)], sscc: 1),
                                     at: Self.at("2027-01-21T03:00:00Z")),
                try Fixture.envelope(3, try Self.dispatched("SHP-2", order: "SO-1", lines: [(1, "PUMP", 4)], sscc: 2),
                                     at: Self.at("2027-01-23T12:00:00Z")),
            ]), receivedAt: Fixture.start)

            // Requested dates, no grace, no tolerance, judged on 02-01. SO-1/1: window ends 01-20; 6 by then, last left 01-23:
            // late, in full, not OTIF; lead 8 d 4 h = 8.17 d. SO-1/2: all 4 on 01-20: OTIF; lead 5 d 19 h = 5.79 d. SO-2/1:
            // nothing by 01-25: late, short, 5 owed.
            var level = try await report(hub, "basis=requested&asOf=2027-02-01")
            #expect(level.lines.map { "\($0.order)/\($0.line)" } == ["SO-1/1", "SO-1/2", "SO-2/1"])
            #expect(level.lines.map(\.figures.onTime) == [false, true, false])
            #expect(level.lines.map(\.figures.inFull) == [true, true, false])
            #expect(level.lines.map(\.figures.otif) == [false, true, false])
            #expect(level.lines.map(\.figures.shippedInWindow) == [Quantity(6), Quantity(4), .zero])
            #expect(level.lines.map(\.figures.leadTimeDays) == [Decimal(string: "8.17"), Decimal(string: "5.79"), nil])
            #expect(level.total.measured == 3 && level.total.onTime == 1 && level.total.inFull == 2 && level.total.otif == 1)
            #expect(level.total.otifPercent == Decimal(string: "33.33") && level.total.inFullPercent == Decimal(string: "66.67"))
            #expect(level.total.averageLeadTimeDays == Decimal(string: "6.98") && level.total.backorderLines == 1)
            #expect(level.backorders == ["ACME/PUMP": Quantity(5)])
            #expect(level.customers["ACME/C100"]?.lines == 3 && level.plants["ACME-BER"]?.otif == 1 && level.companies["ACME"]?.lines == 3)

            // Promised dates with a day's grace: SO-1/1 is due 01-22, its window ends 01-23 and all 10 left by then: OTIF.
            level = try await report(hub, "basis=promised&lateDays=1&asOf=2027-02-01")
            #expect(level.lines.map(\.figures.otif) == [true, true, false] && level.total.otifPercent == Decimal(string: "66.67"))

            // Half the quantity is in full: SO-1/1 has 6 of 10 by 01-20 (at least 5): OTIF, completed by SHP-1 (lead 5.79 d).
            level = try await report(hub, "tolerancePercent=50&asOf=2027-02-01")
            #expect(level.lines.first?.figures.otif == true && level.lines.first?.figures.leadTimeDays == Decimal(string: "5.79"))

            // Judged today (01-15 at the plant) SO-2 is still open: it counts in no ratio and owes nothing yet.
            level = try await report(hub, "")
            #expect(level.total.measured == 2 && level.lines.last?.figures.status == .open && level.backorders.isEmpty)

            for bad in ["basis=soon", "lateDays=-1", "tolerancePercent=101", "asOf=yesterday", "customer=a%20b"] {
                #expect(try await hub.call("GET", "/v1/reports/service-level?\(bad)", as: "planner").status == 400, "\(bad)")
            }
            #expect(try await hub.call("GET", "/v1/reports/service-level?company=BETA", as: "acme-planner").status == 403)
            #expect(try await hub.call("GET", "/v1/reports/service-level", as: "gamma").text.contains("SO-1") == false)

            let trace = try await hub.call("GET", "/v1/shipments/ACME-BER/SHP-1/trace", as: "acme-planner")
            #expect(trace.status == 200 && trace.text.contains(#""customer":"C100""#), "\(trace.text)")
            #expect(try await hub.call("GET", "/v1/shipments/ACME-BER/SHP-9/trace", as: "acme-planner").status == 404)
            #expect(try await hub.call("GET", "/v1/shipments/ACME-BER/SHP-1/trace", as: "gamma").status == 403)
            let recall = try await hub.call("GET", "/v1/recalls?item=PUMP&lot=L1", as: "acme-planner")
            #expect(recall.status == 200 && recall["customers"] == .array([.string("C100")]), "\(recall.text)")
            #expect(try await hub.call("GET", "/v1/recalls?item=PUMP", as: "acme-planner").status == 400)
        }
    }

    @Test func unitsOnTheRoadAndADiscrepancySettledOnceByAController() async throws {
        try await Self.withHub(now: Fixture.start) { hub in
            #expect(try await hub.call("POST", "/v1/masters", as: "admin", json: Self.masters).status == 200)
            let transfer = #"{"transfer": "TR-1", "fromPlant": "ACME-BER", "toPlant": "BETA-OSL", "requested": "2027-02-01", "lines": [{"line": 1, "item": "PUMP", "quantity": "8"}]}"#
            #expect(try await hub.call("POST", "/v1/transfers", as: "planner", json: transfer).status == 201)
            _ = try await hub.store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 1, events: [
                try Fixture.envelope(1, try Fixture.transferShipment()),
            ]), receivedAt: Fixture.start)
            let road = try await hub.call("GET", "/v1/reports/in-transit?company=BETA", as: "controller")
            guard case .array(let units)? = road["units"] else { Issue.record("\(road.text)"); return }
            #expect(units.count == 2 && road.text.contains(#""carrier":"DSV""#) && road.text.contains(#""lot":"L1""#))
            #expect(try await hub.call("GET", "/v1/reports/in-transit", as: "gamma").text.contains("TR-1") == false)
            #expect(try await hub.call("GET", "/v1/reports/in-transit?plant=ACME-BER", as: "controller").status == 403)

            _ = try await hub.store.applyBatch(SyncBatch(plant: "BETA-OSL", agentHead: 1, events: [
                try Fixture.envelope(1, TransferDiscrepancyRecorded(
                    discrepancy: "TR-1/1", transfer: "TR-1", sscc: try Fixture.sscc(12), kind: .short, line: 1, item: "PUMP", lot: "L1",
                    serial: nil, quantity: Quantity(3), reason: "not on the truck", recordedBy: "kim", company: "BETA", tradingPartner: "ACME")),
            ]), receivedAt: Fixture.start)
            let settle = #"{"resolution": "credited", "note": "carrier pays"}"#
            #expect(try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "planner", json: settle).status == 403)
            #expect(try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "gamma", json: settle).status == 404)
            let unexplained = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "controller",
                                                 json: #"{"resolution": "found", "note": " "}"#)
            #expect(unexplained.status == 422 && unexplained.code == "invalid", "a settlement says why")
            let settled = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "controller", json: settle)
            #expect(settled.status == 200 && settled.text.contains(#""settledBy":"service:controller""#), "\(settled.text)")
            let again = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "admin", json: settle)
            #expect(again.status == 409 && again.code == "settled-already")
            #expect(try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/2/settle", as: "admin", json: settle).status == 404)
            #expect(try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/x/settle", as: "admin", json: settle).status == 404)
            let invented = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "admin",
                                              json: #"{"resolution": "forgotten", "note": "n"}"#)
            #expect((400...422).contains(invented.status))
            let audit = try await hub.store.auditEntries(after: 0, limit: 100, scope: .only(["BETA"]))
            #expect(audit.contains { $0.action == "discrepancy.settled" && $0.actor == "service:controller" })
        }
    }
}
