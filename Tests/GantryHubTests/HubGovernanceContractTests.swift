import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Principals, masters and the audit trail: the same contract on SQLite and on PostgreSQL.
@Suite struct HubGovernanceContractTests {
    static func draft(_ kind: MasterKind, _ key: String, company: String? = "ACME", plants: [String] = [], _ data: JSONValue) -> MasterDraft {
        MasterDraft(kind: kind, company: company, key: key, plants: plants, data: data)
    }

    static let acme = draft(.company, "ACME", .object(["legalName": .string("Acme GmbH"), "currency": .string("EUR")]))
    static func item(_ key: String, company: String? = "ACME", plants: [String] = [], description: String = "Bolt") -> MasterDraft {
        draft(.item, key, company: company, plants: plants, .object([
            "description": .string(description), "uom": .string("EA"), "tracking": .string("lot"),
        ]))
    }

    func verify(_ store: any HubStore) async throws -> AuditChainVerifier.Break? {
        var verifier = AuditChainVerifier(hash: sha256Hex)
        for entry in try await store.auditEntries(after: 0, limit: 10_000, scope: .all) {
            if let broken = verifier.check(entry) { return broken }
        }
        return nil
    }

    @Test(arguments: HubBackend.allCases) func principalsAreStoredByTokenHashAndRevocable(backend: HubBackend) async throws {
        try await backend.withStore { store in
            let alice = PrincipalRecord(
                name: "alice", kind: .user, role: .buyer, companies: .only(["ACME"]), createdAt: Date(timeIntervalSince1970: 1_000_000),
                expiresAt: Date(timeIntervalSince1970: 2_000_000))
            try await store.addPrincipal(alice, tokenHash: "t1", audit: .test)
            #expect(try await store.principal(tokenHash: "t1") == alice)
            await #expect { try await store.addPrincipal(alice, tokenHash: "t2", audit: .test) }
                throws: { ($0 as? HubStoreError)?.code == .duplicate }
            try await store.replacePrincipalToken(name: "alice", tokenHash: "t3", expiresAt: nil, audit: .test)
            #expect(try await store.principal(tokenHash: "t1") == nil)
            #expect(try await store.principal(tokenHash: "t3")?.expiresAt == nil)
            #expect(try await store.revokePrincipal(name: "alice", at: Date(), audit: .test))
            #expect(try await !store.revokePrincipal(name: "alice", at: Date(), audit: .test))
            #expect(try await store.principal(tokenHash: "t3")?.revokedAt != nil)
            await #expect { try await store.replacePrincipalToken(name: "alice", tokenHash: "t4", expiresAt: nil, audit: .test) }
                throws: { ($0 as? HubStoreError)?.code == .notFound }
            // Each change that took effect left one audit entry, chained.
            #expect(try await store.auditEntries(after: 0, limit: 100, scope: .all).count == 3)
            #expect(try await verify(store) == nil)
        }
    }

    @Test(arguments: HubBackend.allCases) func principalNamesAreUniqueWhateverTheirCase(backend: HubBackend) async throws {
        try await backend.withStore { store in
            let buyer = PrincipalRecord(name: "ACME-BUYER", kind: .user, role: .buyer, companies: .all, createdAt: Date(timeIntervalSince1970: 1_000_000))
            try await store.addPrincipal(buyer, tokenHash: "t1", audit: .test)
            for name in ["acme-buyer", "Acme-Buyer"] {
                var twin = buyer
                twin.name = name
                await #expect { try await store.addPrincipal(twin, tokenHash: "t-\(name)", audit: .test) }
                    throws: { ($0 as? HubStoreError)?.code == .duplicate }
            }
            #expect(try await store.principals().map(\.name) == ["ACME-BUYER"])
            #expect(try await store.auditEntries(after: 0, limit: 100, scope: .all).count == 1, "a refused twin leaves no audit entry")
        }
    }

    @Test(arguments: HubBackend.allCases) func eachChangeSetIsOneVersionAndUnchangedRecordsStayPut(backend: HubBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.commitMasters([Self.acme, Self.item("BOLT"), Self.item("NUT")], actor: "user:steward", summary: "s", at: Date())
            #expect(first == MasterCommit(version: 1, changed: 3, unchanged: 0))
            let second = try await store.commitMasters(
                [Self.item("BOLT"), Self.item("NUT", description: "Hex nut")], actor: "user:steward", summary: "s", at: Date())
            #expect(second == MasterCommit(version: 2, changed: 1, unchanged: 1))
            let none = try await store.commitMasters([Self.item("BOLT")], actor: "user:steward", summary: "s", at: Date())
            #expect(none == MasterCommit(version: 2, changed: 0, unchanged: 1))
            let versions = try await store.masterVersions(after: 0, limit: 10)
            #expect(versions.map(\.version) == [1, 2] && versions.map(\.records) == [3, 1])
            let nut = try #require(try await store.masters(kind: .item, key: "NUT", company: nil, scope: .all).first)
            #expect(nut.version == 2 && nut.updatedBy == "user:steward")
            #expect(try await store.masterRevision(nut.identity, atOrBefore: 1)?.data == Self.item("NUT").data)
            #expect(try await store.masterRevisions(company: "ACME", after: 1, through: 2).map(\.key) == ["NUT"])
            // The audit trail holds before and after of the changed record.
            let entries = try await store.auditEntries(after: 0, limit: 100, scope: .all)
            #expect(entries.count == 4)
            #expect(entries.last?.before?.contains("\"Bolt\"") == true && entries.last?.after?.contains("Hex nut") == true)
        }
    }

    @Test(arguments: HubBackend.allCases) func aStaleExpectedVersionIsRefused(backend: HubBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.commitMasters([Self.acme, Self.item("BOLT")], actor: "a", summary: "s", at: Date())
            var stale = Self.item("BOLT", description: "Changed")
            stale.expectedVersion = 0
            await #expect { _ = try await store.commitMasters([stale], actor: "a", summary: "s", at: Date()) }
                throws: { ($0 as? HubStoreError)?.code == .versionConflict }
            stale.expectedVersion = 1
            #expect(try await store.commitMasters([stale], actor: "a", summary: "s", at: Date()).version == 2)
        }
    }

    @Test(arguments: HubBackend.allCases) func readsStayWithinTheScopesCompanies(backend: HubBackend) async throws {
        try await backend.withStore { store in
            let other = Self.draft(.company, "OTHER", company: "OTHER", .object(["legalName": .string("Other"), "currency": .string("USD")]))
            _ = try await store.commitMasters(
                [Self.acme, other, Self.item("BOLT"), Self.item("SECRET", company: "OTHER"), Self.item("SHARED", company: nil)],
                actor: "a", summary: "s", at: Date())
            let seen = try await store.masters(kind: .item, key: nil, company: nil, scope: .only(["ACME"])).map(\.key)
            #expect(Set(seen) == ["BOLT", "SHARED"])
            #expect(try await store.masters(kind: nil, key: nil, company: nil, scope: .all).count == 5)
            #expect(try await store.masters(kind: .item, key: nil, company: .some(nil), scope: .all).map(\.key) == ["SHARED"])
            let audit = try await store.auditEntries(after: 0, limit: 100, scope: .only(["ACME"]))
            #expect(!audit.isEmpty && audit.allSatisfy { $0.company == nil || $0.company == "ACME" })
        }
    }

    @Test(arguments: HubBackend.allCases) func anEditedAuditEntryBreaksTheChainThere(backend: HubBackend) async throws {
        try await backend.withStore { store in
            for index in 1...5 { _ = try await store.commitMasters([Self.acme, Self.item("I\(index)")], actor: "a", summary: "s", at: Date()) }
            #expect(try await verify(store) == nil)
            // The trail refuses edits through SQL...
            #expect(throws: (any Error).self) {
                try backend.executeDirectly("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3", on: store)
            }
            #expect(throws: (any Error).self) { try backend.executeDirectly("DELETE FROM audit_log WHERE seq = 3", on: store) }
            // ...and one who removes the guard to edit anyway is caught at that entry.
            switch backend {
            case .sqlite:
                try backend.executeDirectly(
                    "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3", on: store)
            case .postgres:
                try backend.executeDirectly(
                    "ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3", on: store)
            }
            let broken = try #require(try await verify(store))
            #expect(broken.sequence == 3 && broken.reason.contains("edited"))
            // Master revisions are as immutable as the trail.
            #expect(throws: (any Error).self) { try backend.executeDirectly("DELETE FROM master_revisions", on: store) }
        }
    }
}

/// Consolidated stock and genealogy from plants' inventory events, on both backends.
@Suite struct HubInventoryContractTests {
    func move(_ sequence: Int64, _ kind: MoveKind, item: String = "BOLT", lot: String?, quantity: String, from: String?, to: String?) -> EventEnvelope {
        let moved = StockMoved(
            moveId: UUID(), kind: kind, item: item, lot: lot, serial: nil, expiry: nil, quantity: Quantity(text: quantity)!, uom: "EA",
            from: from, to: to, reference: nil, scan: nil, reason: nil)
        return envelope(sequence, type: StockMoved.eventType, payload: try! moved.payloadJSON())
    }

    func envelope(_ sequence: Int64, type: String, payload: String) -> EventEnvelope {
        EventEnvelope(
            sequence: sequence, id: UUID(), type: type, schemaVersion: 1, occurredAt: Date(), recordedAt: Date(),
            payload: try! JSONValue.parse(payload))
    }

    @Test(arguments: HubBackend.allCases) func stockIsTheSumOfMoveDeltasAndGenealogyCrossesPlants(backend: HubBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "b", audit: .test)
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "HAM"), timeZone: "UTC", tokenHash: "h", audit: .test)
            _ = try await store.enrolPlant(try PlantIdentity(company: "OTHER", code: "LON"), timeZone: "UTC", tokenHash: "l", audit: .test)
            let linked = LotsLinked(workOrder: "WO-1", output: StockUnit(item: "ASSY", lot: "A1", serial: nil),
                                    inputs: [.init(unit: StockUnit(item: "BOLT", lot: "L1", serial: nil), quantity: Quantity(8))])
            let ber = [
                move(1, .receipt, lot: "L1", quantity: "100", from: nil, to: "RECV"),
                move(2, .move, lot: "L1", quantity: "100", from: "RECV", to: "A1"),
                move(3, .issue, lot: "L1", quantity: "8", from: "A1", to: nil),
                move(4, .receipt, lot: "L1", quantity: "0.5", from: nil, to: "A1"),
                move(5, .output, item: "ASSY", lot: "A1", quantity: "2", from: nil, to: "A1"),
                envelope(6, type: LotsLinked.eventType, payload: try linked.payloadJSON()),
                move(7, .issue, item: "ASSY", lot: "A1", quantity: "2", from: "A1", to: nil),
            ]
            // Sent in two batches that overlap: the resent part counts once.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 7, events: Array(ber[..<4])), receivedAt: Date())
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 7, events: Array(ber[2...])), receivedAt: Date())
            // Hamburg receives the assembly lot and builds a pallet of it.
            let pallet = LotsLinked(workOrder: "WO-7", output: StockUnit(item: "PALLET", lot: "P1", serial: nil),
                                    inputs: [.init(unit: StockUnit(item: "ASSY", lot: "A1", serial: nil), quantity: Quantity(2))])
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-HAM", agentHead: 3, events: [
                move(1, .receipt, item: "ASSY", lot: "A1", quantity: "2", from: nil, to: "RECV"),
                move(2, .issue, item: "ASSY", lot: "A1", quantity: "2", from: "RECV", to: nil),
                envelope(3, type: LotsLinked.eventType, payload: try pallet.payloadJSON()),
            ]), receivedAt: Date())
            _ = try await store.applyBatch(SyncBatch(plant: "OTHER-LON", agentHead: 1, events: [
                move(1, .receipt, lot: "L1", quantity: "5", from: nil, to: "RECV"),
            ]), receivedAt: Date())

            let bolts = try await store.stockBalances(plantID: nil, item: "BOLT", lot: nil, scope: .all)
            #expect(bolts.map { "\($0.plant) \($0.lot ?? "-") \($0.quantity)" } == ["ACME-BER L1 92.5", "OTHER-LON L1 5"])
            let scoped = try await store.stockBalances(plantID: nil, item: nil, lot: nil, scope: .only(["ACME"]))
            #expect(scoped.map(\.plant).allSatisfy { $0.hasPrefix("ACME-") } && scoped.count == 1, "an ASSY lot issued everywhere has no stock left")

            let intoPallet = try await store.lotLinks(of: [StockUnit(item: "PALLET", lot: "P1", serial: nil)], forward: false, scope: .all)
            #expect(intoPallet.map { "\($0.plant) \($0.input)" } == ["ACME-HAM ASSY lot A1"])
            let fromAssembly = try await store.lotLinks(of: [StockUnit(item: "ASSY", lot: "A1", serial: nil)], forward: false, scope: .all)
            #expect(fromAssembly.map { "\($0.plant) \($0.input) \($0.quantity)" } == ["ACME-BER BOLT lot L1 8"])
            #expect(try await store.lotLinks(of: [StockUnit(item: "ASSY", lot: "A1", serial: nil)], forward: false, scope: .only(["OTHER"])).isEmpty)
        }
    }
}
