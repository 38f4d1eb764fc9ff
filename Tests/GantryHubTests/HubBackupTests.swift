import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// `gantry-hub backup` on a real SQLite store, and the refusal of a plant whose log is behind the hub's, on
/// both backends.
@Suite struct HubBackupTests {
    func apply(_ store: any HubStore, _ sequences: ClosedRange<Int64>, plant: String = "ACME-BER", head: Int64? = nil) async throws -> BatchOutcome {
        try await store.applyBatch(
            SyncBatch(plant: plant, agentHead: head ?? sequences.upperBound, events: sequences.map { HubStoreContractTests.envelope($0) }),
            receivedAt: Date())
    }

    @Test func aBackupWhileTheHubServesHoldsEveryPlantsLog() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            for code in ["BER", "HAM"] {
                _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: code), timeZone: "Europe/Berlin", tokenHash: code, audit: .test)
            }
            _ = try await apply(store, 1...7)
            _ = try await apply(store, 1...3, plant: "ACME-HAM")
            var configuration = HubConfiguration()
            configuration.storePath = "\(dir)/hub.sqlite"

            let summary = try HubBackup.run(configuration, to: "\(dir)/backup.sqlite", force: false)
            #expect(summary.plantHeads.map(\.plant) == ["ACME-BER", "ACME-HAM"] && summary.plantHeads.map(\.lastSequence) == [7, 3])
            #expect(summary.schema == HubMigration.all.last!.identifier && summary.migrations == HubMigration.all.count)
            #expect(summary.text.contains("ACME-BER through sequence 7"))
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/backup.sqlite-wal"), "one self-contained file")
            let mode = (try FileManager.default.attributesOfItem(atPath: "\(dir)/backup.sqlite")[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600, "readable by its owner only")

            // Events after the backup are not in it; the copy opens as a hub store of the same schema.
            _ = try await apply(store, 8...9)
            let copy = try SQLiteHubStore(path: "\(dir)/backup.sqlite")
            #expect(try await copy.events(plantID: "ACME-BER", after: 0, limit: 100).map(\.sequence) == Array(1...7))
            #expect(try await copy.events(plantID: "ACME-BER", after: 0, limit: 100).map(\.id)
                == (try await store.events(plantID: "ACME-BER", after: 0, limit: 7).map(\.id)))

            #expect { _ = try HubBackup.run(configuration, to: "\(dir)/backup.sqlite", force: false) } throws: {
                "\($0)".contains("exists; pass --force")
            }
            #expect(try HubBackup.run(configuration, to: "\(dir)/backup.sqlite", force: true).plantHeads.first?.lastSequence == 9)
        }
    }

    @Test func aPostgreSQLStoreIsPointedToPgDump() throws {
        var configuration = HubConfiguration()
        configuration.storeURL = DatabaseURL(host: "db.example", port: 5433, user: "gantry", password: "secret", database: "gantry_hub")
        #expect { _ = try HubBackup.run(configuration, to: "/tmp/hub.dump", force: false) } throws: { error in
            let text = "\(error)"
            return text.contains("pg_dump -Fc -h db.example -p 5433 -U gantry -d gantry_hub -f /tmp/hub.dump")
                && text.contains("pg_restore") && !text.contains("secret")
        }
    }

    @Test(arguments: HubBackend.allCases) func aPlantWhoseLogIsBehindTheHubsIsRefusedAndNothingApplied(backend: HubBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "h", audit: .test)
            _ = try await apply(store, 1...5)
            // A store restored from a backup of three events: its handshake, and a new fact at sequence 4.
            for (events, head) in [([Int64](), Int64(3)), ([4], 4)] {
                await #expect {
                    _ = try await store.applyBatch(
                        SyncBatch(plant: "ACME-BER", agentHead: head, events: events.map { HubStoreContractTests.envelope($0) }),
                        receivedAt: Date())
                } throws: { error in
                    guard let refusal = error as? SyncBatchError, refusal.code == .plantLogBehind else { return false }
                    return refusal.problem.status == 409 && refusal.detail.contains("ends at sequence \(head)")
                        && refusal.detail.contains("applied through 5")
                }
            }
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).count == 5, "nothing of it applied")
            // The same log recovered (level with the hub) is taken again.
            #expect(try await apply(store, 6...6) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 6, applied: 1)))
        }
    }
}
