import Foundation
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// Masters travel from the hub to plants by version, and a plant that was offline catches up whole.
@Suite struct MasterDistributionTests {
    /// A hub on the SQLite file in `dir`, listening on `port`, for as long as `body` runs.
    func withHub<T: Sendable>(dir: String, port: Int, _ body: (HubAdministration) async throws -> T) async throws -> T {
        var configuration = HubConfiguration()
        configuration.storePath = "\(dir)/hub.sqlite"
        configuration.httpPort = port
        let store = try await openHubStore(configuration)
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let app = buildHub(configuration: configuration, store: store, logger: quietLogger) { announce.yield($0) }
        return try await withService(app) {
            var iterator = ports.makeAsyncIterator()
            _ = await iterator.next()
            return try await body(HubAdministration(store: store, configuration: configuration))
        }
    }

    func items(_ range: ClosedRange<Int>, description: String) -> [MasterDraft] {
        range.map { index in
            MasterDraft(kind: .item, company: "ACME", key: "ITEM-\(index)",
                        data: .object(["description": .string("\(description) \(index)"), "uom": .string("EA"), "tracking": .string("lot")]))
        }
    }

    @Test func aPlantOfflineDuringAChangePicksItUpWholeOnReconnect() async throws {
        try await withTemporaryDirectory { dir in
            let port = try freePort()
            let hubURL = "http://127.0.0.1:\(port)"
            let company = MasterDraft(kind: .company, company: nil, key: "ACME",
                                      data: .object(["legalName": .string("Acme"), "currency": .string("EUR")]))
            let token = try await withHub(dir: dir, port: port) { administration in
                let configuration = try await administration.enrolPlant(company: "ACME", code: "BER", timeZone: "Europe/Berlin")
                _ = try await MasterService(store: administration.store).commit(
                    [company] + items(1...50, description: "First"), by: .local(), summary: "first")
                return configuration.split(separator: "\n").first { $0.hasPrefix("hub.token = ") }!.dropFirst(12).description
            }
            try await withAgent(plantID: "ACME-BER", hubURL: hubURL, token: token, dir: dir,
                                configure: { $0.mastersPollInterval = .milliseconds(200) }) { agent in
                // The hub is down: the agent works on nothing yet, and says why.
                try await eventually("the agent reports the unreachable hub") {
                    let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                    return ((status["masters"] as? [String: Any])?["lastError"] as? String) != nil
                }
                try await withHub(dir: dir, port: port) { _ in
                    try await eventually("version 1 arrives") { try await heldVersion(agent) == 1 }
                }
                // Offline again, the hub's masters change (the operator at the hub's machine, with no HTTP).
                let hub = try await openHubStore({ var c = HubConfiguration(); c.storePath = "\(dir)/hub.sqlite"; return c }())
                let second = try await MasterService(store: hub).commit(items(1...50, description: "Second"), by: .local(), summary: "second")
                #expect(second.version == 2 && second.changed == 50)
                // The plant keeps working on the copy it has.
                try await Task.sleep(for: .milliseconds(600))
                let offline = try await HTTP.request("GET", "\(agent)/v1/masters?kind=item").json()
                #expect(offline["version"] as? Int == 1)
                #expect((offline["records"] as? [[String: Any]])?.count == 50)
                // Back online: it catches up to version 2, every record of it at once.
                try await withHub(dir: dir, port: port) { _ in
                    try await eventually("version 2 arrives") { try await heldVersion(agent) == 2 }
                }
                let online = try await HTTP.request("GET", "\(agent)/v1/masters?kind=item").json()
                let records = try #require(online["records"] as? [[String: Any]])
                #expect(records.count == 50)
                #expect(records.allSatisfy { ($0["version"] as? Int) == 2 && (($0["data"] as? [String: Any])?["description"] as? String)?.hasPrefix("Second") == true })
                let one = try await HTTP.request("GET", "\(agent)/v1/masters/item/ITEM-7").json()
                #expect((one["data"] as? [String: Any])?["description"] as? String == "Second 7")
                // Global masters are not changed at the plant.
                let refused = try await HTTP.request("PUT", "\(agent)/v1/masters/item/ITEM-7", json: #"{"data":{}}"#)
                #expect(refused.status == 405 && refused.contentType == "application/problem+json")
            }
        }
    }

    func heldVersion(_ agent: String) async throws -> Int? {
        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
        return (status["masters"] as? [String: Any])?["version"] as? Int
    }
}
