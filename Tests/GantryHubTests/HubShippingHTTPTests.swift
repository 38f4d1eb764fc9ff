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

    /// A hub over a temp SQLite file on a free loopback port, with the group's masters and principals of each role.
    static func withHub<T: Sendable>(now: Date, _ body: (Hub) async throws -> T) async throws -> T {
        try await withTemporaryDirectory { dir in
            var configuration = HubConfiguration()
            configuration.storePath = "\(dir)/hub.sqlite"
            configuration.httpPort = 0
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
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
