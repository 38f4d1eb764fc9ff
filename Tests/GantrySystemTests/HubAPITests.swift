import Foundation
import GantryCore
import GantryHub
import Testing

@Suite struct HubAPITests {
    func batch(plant: String, _ sequences: ClosedRange<Int64>, ids: [UUID]? = nil) throws -> String {
        let events = sequences.enumerated().map { offset, sequence in
            EventEnvelope(
                sequence: sequence, id: ids?[offset] ?? UUID(), type: ScanRecorded.eventType, schemaVersion: 1,
                occurredAt: Date(), recordedAt: Date(),
                payload: .object(["scanId": .string(UUID().uuidString), "device": .string("d"), "data": .string("S\(sequence)")]))
        }
        let body = try WireFormat.encoder().encode(SyncBatch(plant: plant, agentHead: sequences.upperBound, events: events))
        return String(decoding: body, as: UTF8.self)
    }

    func expectProblem(_ answer: HTTPAnswer, status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.contentType == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try answer.decode(ProblemDetails.self)
        #expect(problem.code == code && problem.status == status && !problem.detail.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func syncNeedsTheRightPlantToken() async throws {
        try await withHub { hub in
            let ber = try await hub.enrol("BER")
            _ = try await hub.enrol("HAM")
            let sync = "\(hub.url)/v1/sync/batches"
            let missing = try await HTTP.request("POST", sync, json: try batch(plant: "ACME-BER", 1...1))
            try expectProblem(missing, status: 401, code: "unauthorized")
            #expect(missing.headers.first { $0.key.lowercased() == "www-authenticate" }?.value.hasPrefix("Bearer") == true)
            try expectProblem(
                try await HTTP.request("POST", sync, token: "gpt_forged", json: try batch(plant: "ACME-BER", 1...1)),
                status: 401, code: "unauthorized")
            try expectProblem(
                try await HTTP.request("POST", sync, token: ber, json: try batch(plant: "ACME-HAM", 1...1)),
                status: 403, code: "wrong-plant")
            try expectProblem(
                try await HTTP.request("POST", sync, token: hub.adminToken, json: try batch(plant: "ACME-BER", 1...1)),
                status: 403, code: "forbidden")
            let report = try await hub.store.syncReport(now: Date())
            #expect(report.allSatisfy { $0.eventsReceived == 0 }, "no refused batch left a trace")
        }
    }

    @Test func malformedBatchesGetProblemDocuments() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            let sync = "\(hub.url)/v1/sync/batches"
            try expectProblem(try await HTTP.request("POST", sync, token: token, json: "{\"plant\": "), status: 400, code: "malformed-body")
            try expectProblem(
                try await HTTP.request("POST", sync, token: token, json: #"{"plant":"ACME-BER","events":[]}"#),
                status: 400, code: "malformed-body")
            var gapped = try batch(plant: "ACME-BER", 1...3)
            gapped = gapped.replacingOccurrences(of: "\"sequence\":2", with: "\"sequence\":7")
            try expectProblem(try await HTTP.request("POST", sync, token: token, json: gapped), status: 422, code: "invalid-sequence")
            let huge = try batch(plant: "ACME-BER", 1...4000)
            try expectProblem(try await HTTP.request("POST", sync, token: token, json: huge), status: 413, code: "batch-too-large")
        }
    }

    @Test func duplicateAndGappedBatches() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            let sync = "\(hub.url)/v1/sync/batches"
            let first = try batch(plant: "ACME-BER", 1...5)
            let applied = try await HTTP.request("POST", sync, token: token, json: first)
            #expect(applied.status == 200)
            #expect(try applied.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: "ACME-BER", acknowledgedThrough: 5, applied: 5))
            let resent = try await HTTP.request("POST", sync, token: token, json: first)
            #expect(try resent.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: "ACME-BER", acknowledgedThrough: 5, applied: 0))
            let gap = try await HTTP.request("POST", sync, token: token, json: try batch(plant: "ACME-BER", 9...10))
            try expectProblem(gap, status: 409, code: "sequence-gap")
            #expect(try gap.decode(ProblemDetails.self).expectedSequence == 6)
            let conflict = try await HTTP.request("POST", sync, token: token, json: try batch(plant: "ACME-BER", 5...6))
            try expectProblem(conflict, status: 409, code: "sequence-conflict")
            let handshake = try await HTTP.request("POST", sync, token: token, json: #"{"plant":"ACME-BER","agentHead":5,"events":[]}"#)
            #expect(try handshake.decode(SyncAcknowledgement.self).acknowledgedThrough == 5)
            #expect(try await hub.store.syncReport(now: Date()).first?.eventsReceived == 5)
        }
    }

    @Test func reportsAndTheEventFeedAreForAdministrators() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            _ = try await HTTP.request("POST", "\(hub.url)/v1/sync/batches", token: token, json: try batch(plant: "ACME-BER", 1...3))
            try expectProblem(try await HTTP.request("GET", "\(hub.url)/v1/reports/sync"), status: 401, code: "unauthorized")
            try expectProblem(
                try await HTTP.request("GET", "\(hub.url)/v1/reports/sync", token: token), status: 403, code: "forbidden")
            let report = try await HTTP.request("GET", "\(hub.url)/v1/reports/sync", token: hub.adminToken)
            #expect(report.status == 200)
            let plants = try #require(try report.json()["plants"] as? [[String: Any]])
            #expect(plants.count == 1 && plants[0]["plant"] as? String == "ACME-BER" && plants[0]["eventsReceived"] as? Int == 3)
            #expect(plants[0]["lastSequence"] as? Int == 3 && plants[0]["lastSeenAt"] is String && plants[0]["lagSeconds"] is Double)
            let feed = try await HTTP.request("GET", "\(hub.url)/v1/events?plant=ACME-BER&after=1&limit=10", token: hub.adminToken)
            let events = try #require(try feed.json()["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["sequence"] as? Int } == [2, 3])
            try expectProblem(
                try await HTTP.request("GET", "\(hub.url)/v1/events?plant=ACME-BER&limit=0", token: hub.adminToken),
                status: 400, code: "invalid-query")
            try await hub.administration.revokePrincipal(name: "tests")
            try expectProblem(
                try await HTTP.request("GET", "\(hub.url)/v1/reports/sync", token: hub.adminToken), status: 401, code: "unauthorized")
        }
    }

    @Test func rotatingAPlantTokenLocksOutTheOldOne() async throws {
        try await withHub { hub in
            let old = try await hub.enrol("BER")
            _ = try await hub.administration.rotatePlantToken(plantID: "ACME-BER")
            try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/sync/batches", token: old, json: try batch(plant: "ACME-BER", 1...1)),
                status: 401, code: "unauthorized")
        }
    }

    @Test func unknownRoutesAnswerWithProblems() async throws {
        try await withHub { hub in
            try expectProblem(try await HTTP.request("GET", "\(hub.url)/v1/nothing"), status: 404, code: "http-404")
            #expect(try await HTTP.request("GET", "\(hub.url)/healthz").status == 200)
        }
    }
}
