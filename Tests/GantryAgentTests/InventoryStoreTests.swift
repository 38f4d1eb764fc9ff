import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import Testing

/// Inventory refusals on a real store file: the store reads inside its transaction, Core decides, and nothing
/// is written when Core refuses.
@Suite struct InventoryStoreRefusalTests {
    static let now = Date(timeIntervalSince1970: 1_796_472_000)   // 2026-12-05 12:00 UTC

    static func record(_ kind: MasterKind, _ key: String, _ data: [String: JSONValue]) -> MasterRecord {
        MasterRecord(kind: kind, company: "ACME", key: key, active: true, plants: [], data: .object(data), version: 1, updatedAt: now, updatedBy: "test")
    }

    static func location(_ code: String, _ type: LocationType) -> LocationDefined {
        LocationDefined(code: code, type: type, warehouse: "W", zone: nil, bin: nil, active: true)
    }

    /// A store at a fixed time with BOLT (lot-tracked), OIL (untracked), a supplier, locations DOCK, A1, A2 and QA,
    /// and PO-1 line 1 for 100 BOLT with 5 % tolerance.
    func withStore(_ body: (SQLitePlantStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER") { Self.now }
            try await store.applyMasters(MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [
                Self.record(.item, "BOLT", ["uom": .string("EA"), "tracking": .string("lot")]),
                Self.record(.item, "OIL", ["uom": .string("L"), "tracking": .string("none")]),
                Self.record(.supplier, "S1", ["name": .string("Steel & Co"), "status": .string("approved")]),
            ], removed: [], more: false), at: Self.now)
            for location in [Self.location("DOCK", .receiving), Self.location("A1", .storage), Self.location("A2", .storage), Self.location("QA", .quarantine)] {
                try await store.defineLocation(location)
            }
            try await store.placePurchaseOrder(PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(100), tolerancePercent: Quantity(5), due: nil),
            ]))
            try await body(store)
        }
    }

    func receive(_ store: SQLitePlantStore, lot: String, expiry: String? = nil, _ quantity: Int64, into location: String = "A1") async throws -> MoveAnswer {
        try await store.receive(ReceiptIntent(
            requestID: UUID(), order: "PO-1", line: 1, unit: UnitSpec(item: "BOLT", lot: lot, expiry: expiry, quantity: Quantity(quantity)), location: location))
    }

    func issue(_ store: SQLitePlantStore, lot: String, _ quantity: Int64, from location: String = "A1", to workOrder: String = "JOB-1") async throws -> MoveAnswer {
        try await store.issue(
            IssueIntent(requestID: UUID(), workOrder: workOrder, unit: UnitSpec(item: "BOLT", lot: lot, quantity: Quantity(quantity)), from: location),
            allowExpired: false)
    }

    func refused(_ code: InventoryRefusal.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("not refused; expected \(code.rawValue)", sourceLocation: sourceLocation)
        } catch {
            #expect((error as? InventoryRefusal)?.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func receiptsAreRefusedBeyondToleranceAndWhenExpired() async throws {
        try await withStore { store in
            let received = try await receive(store, lot: "L1", 100)
            #expect(received.purchaseOrder?.received == Quantity(100) && received.message.contains("100 of 100 received"))
            await refused(.overReceipt) { _ = try await receive(store, lot: "L1", 6) }
            _ = try await receive(store, lot: "L1", 5)
            await refused(.expired) { _ = try await receive(store, lot: "OLD", expiry: "2026-01-01", 1) }
            await refused(.unknownLocation) { _ = try await receive(store, lot: "L2", 1, into: "NOWHERE") }
            // A refused receipt changes nothing: the line has received exactly what was accepted.
            let lines = try await store.purchaseOrderLines(order: "PO-1")
            #expect(lines.first?.received == "105")
            #expect(try await store.stock(item: "BOLT", location: nil, lot: nil).map(\.quantity) == [Quantity(105)])
        }
    }

    @Test func issuesTakeOnlyFreeUsableStock() async throws {
        try await withStore { store in
            _ = try await receive(store, lot: "L1", 10)
            await refused(.notInStock) { _ = try await issue(store, lot: "L1", 1, from: "A2") }
            await refused(.insufficientStock) { _ = try await issue(store, lot: "L1", 11) }
            await refused(.unknownLocation) { _ = try await issue(store, lot: "L1", 1, from: "NOWHERE") }
            _ = try await store.reserve(workOrder: "JOB-2", lines: [ReservationLine(item: "BOLT", quantity: Quantity(4))], requestID: UUID())
            await refused(.reservedElsewhere) { _ = try await issue(store, lot: "L1", 7) }
            let issued = try await issue(store, lot: "L1", 6)
            #expect(issued.kind == .issue && issued.quantity == Quantity(6))
            // A move takes only unreserved stock too.
            await refused(.reservedElsewhere) {
                _ = try await store.move(MoveIntent(requestID: UUID(), unit: UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(1)), from: "A1", to: "A2"))
            }
        }
    }

    @Test func heldAndExpiredLotsAreNotIssuedOrReserved() async throws {
        try await withStore { store in
            _ = try await receive(store, lot: "HELD", 10)
            _ = try await receive(store, lot: "OLD", expiry: "2026-01-01", 10, into: "QA")
            _ = try await receive(store, lot: "QA", 10, into: "QA")
            _ = try await store.reserve(workOrder: "JOB-2", lines: [ReservationLine(item: "BOLT", quantity: Quantity(3))], requestID: UUID())
            try await store.setLotStatus(item: "BOLT", lot: "HELD", status: .quarantined, reason: "damaged")
            // Holding the lot gave its reservation back.
            #expect(try await store.reservations(workOrder: "JOB-2").isEmpty)
            await refused(.quarantined) { _ = try await issue(store, lot: "HELD", 1) }
            await refused(.quarantined) { _ = try await issue(store, lot: "QA", 1, from: "QA") }
            _ = try await store.move(MoveIntent(requestID: UUID(), unit: UnitSpec(item: "BOLT", lot: "OLD", quantity: Quantity(10)), from: "QA", to: "A2"))
            await refused(.expired) { _ = try await issue(store, lot: "OLD", 1, from: "A2") }
            await refused(.shortage) {
                _ = try await store.reserve(workOrder: "JOB-3", lines: [ReservationLine(item: "BOLT", quantity: Quantity(1))], requestID: UUID())
            }
            await refused(.unknownItem) { try await store.setLotStatus(item: "NUT", lot: "L1", status: .quarantined, reason: "x") }
        }
    }

    @Test func reservationsTakeTheFirstExpiringLot() async throws {
        try await withStore { store in
            _ = try await receive(store, lot: "LATE", expiry: "2027-06-01", 10)
            _ = try await receive(store, lot: "SOON", expiry: "2027-01-01", 10, into: "A2")
            _ = try await receive(store, lot: "NONE", 10)
            let reserved = try await store.reserve(workOrder: "JOB-1", lines: [ReservationLine(item: "BOLT", quantity: Quantity(15))], requestID: UUID())
            #expect(reserved.reservations.map { "\($0.lot ?? "-") \($0.quantity)" } == ["SOON 10", "LATE 5"])
        }
    }

    @Test func aCountFindingLessShrinksReservations() async throws {
        try await withStore { store in
            _ = try await receive(store, lot: "L1", 10)
            _ = try await store.reserve(workOrder: "JOB-1", lines: [ReservationLine(item: "BOLT", quantity: Quantity(8))], requestID: UUID())
            let counted = try await store.count(CountIntent(
                requestID: UUID(), location: "A1", lines: [UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(5))], complete: false))
            #expect(counted.lines.map(\.variance) == [Quantity(-5)])
            #expect(counted.shortenedReservations == ["JOB-1": Quantity(3)])
            #expect(try await store.reservations(workOrder: "JOB-1").map(\.quantity) == [Quantity(5)])
            await refused(.unknownLocation) {
                _ = try await store.count(CountIntent(requestID: UUID(), location: "NOWHERE", lines: [], complete: true))
            }
        }
    }
}
