import Foundation
import GantryCore
import GantryHub
import Testing

/// gzip request bodies at the hub: a plant's batch may come compressed or plain; what inflates past the limit,
/// does not inflate, or names another coding gets a problem document, never a 500.
@Suite struct SyncCompressionTests {
    let api = HubAPITests()

    @Test func gzipRoundTripsAndShrinksABatch() throws {
        let json = Data(try api.batch(plant: "ACME-BER", 1...200).utf8)
        let packed = Gzip.compress(json)
        #expect(packed.prefix(2) == Data([0x1F, 0x8B]), "a gzip member starts with its magic bytes")
        #expect(packed.count * 3 < json.count, "\(packed.count) bytes of gzip for \(json.count) bytes of JSON")
        #expect(try Gzip.inflate(packed, limit: json.count) == json, "inflates to exactly the JSON, even at a limit of its size")
        #expect(throws: Gzip.Failure.tooLarge(limit: json.count - 1)) { try Gzip.inflate(packed, limit: json.count - 1) }
        #expect(try Gzip.inflate(Gzip.compress(Data()), limit: 0) == Data())
    }

    /// (what is wrong with the bytes, how the inflater names it)
    @Test(arguments: [
        ("not gzip at all", Data("{\"plant\":1}".utf8)),
        ("empty", Data()),
        ("truncated", Gzip.compress(Data(repeating: 65, count: 1000)).prefix(12)),
        ("a flipped byte in the deflate data", { var data = Gzip.compress(Data("hello, plant".utf8)); data[12] ^= 0xFF; return data }()),
        ("bytes after the member", Gzip.compress(Data("one".utf8)) + Data("trailing".utf8)),
    ] as [(String, Data)])
    func corruptGzipIsNamedCorrupt(_ what: String, _ bytes: Data) {
        let error = #expect(throws: Gzip.Failure.self, "\(what)") { try Gzip.inflate(bytes, limit: 1 << 20) }
        guard case .corrupt? = error else {
            Issue.record("\(what): \(String(describing: error)) instead of corrupt")
            return
        }
    }

    @Test func theHubAppliesAGzipBatchAndStillTakesPlainOnes() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            let sync = "\(hub.url)/v1/sync/batches"
            let packed = Gzip.compress(Data(try api.batch(plant: "ACME-BER", 1...5).utf8))
            let applied = try await HTTP.request("POST", sync, token: token, body: packed, headers: ["Content-Encoding": "gzip"])
            #expect(applied.status == 200, "\(applied.text)")
            #expect(try applied.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: "ACME-BER", acknowledgedThrough: 5, applied: 5))
            let plain = try await HTTP.request("POST", sync, token: token, json: try api.batch(plant: "ACME-BER", 6...7))
            #expect(try plain.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: "ACME-BER", acknowledgedThrough: 7, applied: 2), "an old agent's plain body")
            let identity = try await HTTP.request(
                "POST", sync, token: token, json: try api.batch(plant: "ACME-BER", 8...8), headers: ["Content-Encoding": "identity"])
            #expect(try identity.decode(SyncAcknowledgement.self).acknowledgedThrough == 8)
            #expect(try await hub.store.syncReport(now: Date()).first?.eventsReceived == 8)
        }
    }

    @Test func bombsCorruptGzipAndUnknownCodingsGetProblems() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            let sync = "\(hub.url)/v1/sync/batches"
            // withHub caps batches at 256 KiB; 64 MiB of spaces compress to about 64 KiB, under the cap as sent.
            let bomb = Gzip.compress(Data(repeating: 0x20, count: 64 << 20))
            #expect(bomb.count < 256 << 10)
            let exploded = try await HTTP.request("POST", sync, token: token, body: bomb, headers: ["Content-Encoding": "gzip"])
            try api.expectProblem(exploded, status: 413, code: "batch-too-large")
            #expect(exploded.text.contains("inflates past \(256 << 10) bytes"), "\(exploded.text)")

            let corrupt = Gzip.compress(Data(try api.batch(plant: "ACME-BER", 1...3).utf8)).prefix(40)
            try api.expectProblem(
                try await HTTP.request("POST", sync, token: token, body: corrupt, headers: ["Content-Encoding": "gzip"]),
                status: 400, code: "malformed-body")
            try api.expectProblem(
                try await HTTP.request("POST", sync, token: token, json: try api.batch(plant: "ACME-BER", 1...3), headers: ["Content-Encoding": "br"]),
                status: 415, code: "unsupported-content-encoding")
            try api.expectProblem(
                try await HTTP.request("POST", sync, token: token, body: Gzip.compress(Gzip.compress(Data("{}".utf8))),
                                       headers: ["Content-Encoding": "gzip, gzip"]),
                status: 415, code: "unsupported-content-encoding")
            #expect(try await hub.store.syncReport(now: Date()).allSatisfy { $0.eventsReceived == 0 }, "no refused body left a trace")
        }
    }

    @Test func otherRoutesTakeGzipBodiesToo() async throws {
        try await withHub { hub in
            let body = Gzip.compress(Data(#"{"company":"ACME","code":"HAM","timeZone":"Europe/Berlin"}"#.utf8))
            let enrolled = try await HTTP.request(
                "POST", "\(hub.url)/v1/plants", token: hub.adminToken, body: body, headers: ["Content-Encoding": "gzip"])
            #expect(enrolled.status == 201, "\(enrolled.text)")
            #expect(enrolled.text.contains("plant.id = ACME-HAM"))
            let bomb = Gzip.compress(Data(repeating: 0x20, count: 8 << 20))
            try api.expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/plants", token: hub.adminToken, body: bomb, headers: ["Content-Encoding": "gzip"]),
                status: 413, code: "body-too-large")
        }
    }
}
