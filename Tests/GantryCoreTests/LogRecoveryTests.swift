import Foundation
import GantryCore
import Testing

/// A log behind the hub's: the hub refuses it (`plant-log-behind`), and `LogRecovery` decides what of the hub's
/// feed a recovering agent appends.
@Suite struct LogRecoveryTests {
    static let ids = (0..<10).map { UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", $0))! }

    static func event(_ sequence: Int64, id: UUID? = nil) -> EventEnvelope {
        EventEnvelope(
            sequence: sequence, id: id ?? ids[Int(sequence)], type: "ScanRecorded", schemaVersion: 1,
            occurredAt: Date(timeIntervalSince1970: 0), recordedAt: Date(timeIntervalSince1970: 0), payload: .object([:]))
    }

    /// (agent head, hub's last applied, refused?)
    static let heads: [(Int64, Int64, Bool)] = [
        (0, 0, false), (5, 5, false), (7, 5, false), (4, 5, true), (0, 3, true), (19, 20, true),
    ]

    @Test(arguments: heads) func aHeadBehindWhatTheHubAppliedIsRefused(head: Int64, lastApplied: Int64, refused: Bool) {
        let batch = SyncBatch(plant: "ACME-BER", agentHead: head, events: [])
        do {
            try batch.checkHeadNotBehind(lastApplied: lastApplied)
            #expect(!refused)
        } catch {
            #expect(refused)
            #expect(error.code == .plantLogBehind)
            #expect(error.detail.contains("ends at sequence \(head)") && error.detail.contains("applied through \(lastApplied)"))
            #expect(error.detail.contains("gantry-agent recover --from-hub"), "says how to recover")
        }
    }

    /// (local head, local last id index, the hub's page as sequences with id indexes, and the sequences
    /// appended, comma-separated, or the refusal's code)
    static let cases: [(String, Int64, Int?, [(Int64, Int)], String)] = [
        ("behind by three", 2, 2, [(2, 2), (3, 3), (4, 4), (5, 5)], "3,4,5"),
        ("an empty log takes everything", 0, nil, [(1, 1), (2, 2)], "1,2"),
        ("level with the hub", 5, 5, [(5, 5)], ""),
        ("ahead of the hub: nothing at the log's end", 6, 6, [], ""),
        ("the log's last event is another at the hub", 3, 9, [(3, 3), (4, 4)], "diverged"),
        ("the feed starts elsewhere", 3, 3, [(4, 4)], "unexpected-answer"),
        ("the feed skips", 2, 2, [(2, 2), (4, 4)], "unexpected-answer"),
    ]

    @Test(arguments: cases) func whatARecoveryAppends(name: String, head: Int64, lastID: Int?, page: [(Int64, Int)], expected: String) {
        let hubPage = page.map { Self.event($0.0, id: Self.ids[$0.1]) }
        let decided: String
        do {
            decided = try LogRecovery.decide(localHead: head, localLastID: lastID.map { Self.ids[$0] }, hubPage: hubPage)
                .map { String($0.sequence) }.joined(separator: ",")
        } catch {
            decided = error.code.rawValue
        }
        #expect(decided == expected, "\(name)")
    }
}
