import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// A hub on PostgreSQL answers every request within `store.timeout` whatever the database does meanwhile: holds a
/// commit back, keeps a batch waiting for a lock, or goes away while batches wait in it. Real processes throughout.
@Suite(.serialized) struct PostgresOutageTests {
    /// `store.timeout` as `HubProcess` writes it, and what a busy machine may add to it.
    static let storeTimeout = 3.0
    static let margin = 2.0

    /// A batch of scans for `plant` as the agent would send it.
    func batch(plant: String, _ sequences: ClosedRange<Int64>) throws -> String {
        try HubAPITests().batch(plant: plant, sequences)
    }

    /// The answer to `request` and how many seconds it took.
    func timed(_ request: @Sendable () async throws -> HTTPAnswer) async throws -> (answer: HTTPAnswer, seconds: Double) {
        let start = ContinuousClock.now
        let answer = try await request()
        let elapsed = (ContinuousClock.now - start).components
        return (answer, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    func expectUnavailable(_ answer: HTTPAnswer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.status == 503 && answer.contentType == "application/problem+json", "\(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.headers.keys.contains { $0.lowercased() == "retry-after" }, sourceLocation: sourceLocation)
        #expect(try answer.decode(ProblemDetails.self).code == "store-unavailable", sourceLocation: sourceLocation)
    }

    /// `stop` is how PostgreSQL goes away: `immediate` (a crash) or `fast` (an administrator's stop).
    @Test(arguments: ["immediate", "fast"])
    func everyRequestIsAnsweredWithinTheStoreTimeoutAndEachEventCountsOnce(stop: String) async throws {
        let server = try PostgresServer()
        defer { server.destroy() }
        try server.psql("postgres", "CREATE DATABASE hub")
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir, database: server.url(database: "hub"))
            var enrolled: [String: String] = [:]
            for code in ["BER", "HAM", "MUC"] { enrolled["ACME-\(code)"] = try await hub.enrol(code) }
            try await hub.start()
            let tokens = enrolled, url = hub.url
            let sync = { @Sendable (plant: String, body: String) async throws -> HTTPAnswer in
                try await HTTP.request("POST", "\(url)/v1/sync/batches", token: tokens[plant]!, json: body)
            }

            // 1. The database holds a commit back (a deferred trigger waits for a lock at COMMIT): the hub answers
            // 503 at store.timeout and closes the connection. The transaction commits later all the same, and the
            // resent batch is recognised as applied.
            try server.psql("hub", """
                CREATE FUNCTION wait_for_gate() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NULL; END $$;
                CREATE CONSTRAINT TRIGGER gate AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW EXECUTE FUNCTION wait_for_gate()
                """)
            try await server.hold("hub", "SELECT pg_advisory_lock(4242)")
            let held = try batch(plant: "ACME-BER", 1...10)
            let gaveUp = try await timed { try await sync("ACME-BER", held) }
            try expectUnavailable(gaveUp.answer)
            #expect(gaveUp.seconds >= Self.storeTimeout - 0.5 && gaveUp.seconds < Self.storeTimeout + Self.margin, "\(gaveUp.seconds) s")
            try server.releaseHeld()
            try await eventually("the transaction the hub gave up on commits", timeout: .seconds(10)) {
                try await hub.report(plant: "ACME-BER")?["lastSequence"] as? Int == 10
            }
            let resent = try await sync("ACME-BER", held)
            #expect(resent.status == 200, "\(resent.text)")
            #expect(try resent.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: "ACME-BER", acknowledgedThrough: 10, applied: 0))
            try server.psql("hub", "DROP TRIGGER gate ON events")

            // 2. The database goes away while batches wait in it for a lock (two of them the same batch, as a
            // balancer's resend): each is answered 503 at once, within store.timeout of being sent.
            try await server.hold("hub", "LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            let ber = try batch(plant: "ACME-BER", 11...20)
            let ham = try batch(plant: "ACME-HAM", 1...10)
            let muc = try batch(plant: "ACME-MUC", 1...10)
            let inFlight = [("ACME-BER", ber), ("ACME-BER", ber), ("ACME-HAM", ham), ("ACME-MUC", muc)]
            let answers = Task {
                try await withThrowingTaskGroup(of: (answer: HTTPAnswer, seconds: Double).self) { group in
                    for (plant, body) in inFlight { group.addTask { try await timed { try await sync(plant, body) } } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            try await eventually("the batches wait in the database", timeout: .seconds(2), interval: .milliseconds(20)) {
                try server.waitingForLocks("hub") == inFlight.count
            }
            try server.stop(mode: stop)
            let stopped = ContinuousClock.now
            let outcomes = try await answers.value
            // Answered as the connections close, before the timeout: nothing waits on a closed connection (on a
            // loaded machine the answers take a second or two to arrive).
            #expect(ContinuousClock.now - stopped < .seconds(Self.storeTimeout), "answered once the server is gone")
            #expect(outcomes.count == inFlight.count)
            for outcome in outcomes {
                try expectUnavailable(outcome.answer)
                #expect(outcome.seconds < Self.storeTimeout + Self.margin, "\(outcome.seconds) s")
            }
            #expect(try await HTTP.request("GET", "\(url)/healthz").status == 503)

            // 3. Back: the hub serves again at once, and the resent batches apply each event once.
            try server.start()
            try await eventually("the hub serves again", timeout: .seconds(15)) {
                try await HTTP.request("GET", "\(url)/healthz").status == 200
            }
            for (plant, body, through) in [("ACME-BER", ber, 20), ("ACME-HAM", ham, 10), ("ACME-MUC", muc, 10)] {
                let applied = try await sync(plant, body)
                #expect(try applied.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: plant, acknowledgedThrough: Int64(through), applied: 10))
                let again = try await sync(plant, body)
                #expect(try again.decode(SyncAcknowledgement.self).withoutHubTime == .init(plant: plant, acknowledgedThrough: Int64(through), applied: 0))
                let report = try #require(try await hub.report(plant: plant))
                #expect(report["eventsReceived"] as? Int == through && report["scans"] as? Int == through, "\(report)")
            }
            #expect(try await hub.scans(plant: "ACME-BER").map(\.sequence) == Array(1...20), "each event once")

            // 4. SIGTERM while a batch waits in the database: the batch is answered 503 and the hub exits within
            // store.timeout of the signal.
            try await server.hold("hub", "LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            let last = try batch(plant: "ACME-BER", 21...30)
            let stuck = Task { try await timed { try await sync("ACME-BER", last) } }
            try await eventually("the batch waits in the database", timeout: .seconds(2), interval: .milliseconds(20)) {
                try server.waitingForLocks("hub") == 1
            }
            let signalled = ContinuousClock.now
            let status = try await hub.child!.stop(timeout: .seconds(15))
            let stopping = ContinuousClock.now - signalled
            #expect(status == 0)
            #expect(stopping < .seconds(Self.storeTimeout + Self.margin), "the hub took \(stopping) to stop")
            let answered = try await stuck.value
            try expectUnavailable(answered.answer)
            try server.releaseHeld()
        }
    }
}
