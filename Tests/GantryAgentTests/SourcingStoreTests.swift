import Foundation
@testable import GantryAgent
import GantryCore
import GantryTestSupport
import GRDB
import Testing

/// Purchase orders, reorder rules and approvals on a real store file: what the store reads, asks Core and writes.
@Suite struct SourcingStoreTests {
    static let clock = Date(timeIntervalSince1970: 1_900_000_000)

    static func master(_ kind: MasterKind, _ key: String, _ data: String, version: Int64) throws -> MasterRecord {
        MasterRecord(kind: kind, company: "ACME", key: key, active: true, plants: [], data: try JSONValue.parse(data), version: version,
                     updatedAt: clock, updatedBy: "user:steward")
    }

    /// A store with an item, two suppliers (one blocked), S1's price for the item and an expedite policy.
    static func store(in dir: String) async throws -> SQLitePlantStore {
        let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER", now: { clock })
        let records = [
            try master(.item, "BOLT", #"{"description":"Bolt","uom":"EA","tracking":"none"}"#, version: 1),
            try master(.supplier, "S1", #"{"name":"S1","status":"approved"}"#, version: 2),
            try master(.supplier, "S2", #"{"name":"S2","status":"blocked"}"#, version: 3),
            try master(.supplierItem, "S1:BOLT", #"{"supplier":"S1","item":"BOLT","leadTimeDays":14,"price":{"amount":"0.120","currency":"EUR"},"rank":1}"#, version: 4),
            try master(.approvalPolicy, "EXP", #"{"subject":"expedite","currency":"EUR","plantLimit":"500","tiers":[{"upTo":"2000","role":"buyer"},{"role":"controller"}]}"#, version: 5),
        ]
        try await store.applyMasters(MasterChanges(plant: "ACME-BER", since: 0, through: 5, records: records, removed: [], more: false), at: clock)
        return store
    }

    static func order(_ number: String, supplier: String = "S1") -> PurchaseOrderPlaced {
        PurchaseOrderPlaced(order: number, supplier: supplier, lines: [
            PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(100), tolerancePercent: Quantity(5), due: "2030-04-01"),
        ])
    }

    @Test func anOrderIsStoredWithItsPriceAsAmountAndCurrency() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Self.store(in: dir)
            try await store.placePurchaseOrder(Self.order("PO-1"))
            let lines = try await store.purchaseOrderLines(order: "PO-1")
            #expect(lines == [PurchaseOrderLineRecord(
                order: "PO-1", line: "1", supplier: "S1", item: "BOLT", ordered: "100", received: "0", returned: "0", tolerancePercent: "5",
                due: "2030-04-01", price: "0.120 EUR", confirmedDue: "", confirmedQuantity: "")])
            let stored = try store.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT price_amount, price_currency FROM purchase_order_lines")
            }
            #expect(stored == ["price_amount": "0.120", "price_currency": "EUR"])
            let events = try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20)
            let placed = try PurchaseOrderPlaced(payload: try #require(events.last).payload)
            #expect(placed.lines[0].unitPrice == (try Money(text: "0.12", currencyCode: "EUR")) && placed.lines[0].price == "0.120")
        }
    }

    @Test func anOrderTheRuleRefusesLeavesNothingAndARepeatedNumberIsAConflict() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Self.store(in: dir)
            await #expect { try await store.placePurchaseOrder(Self.order("PO-1", supplier: "S2")) } throws: {
                ($0 as? SourcingRefusal).map { $0.code == .invalid && $0.field == "supplier" } ?? false
            }
            #expect(try await store.purchaseOrderLines(order: nil).isEmpty)
            try await store.placePurchaseOrder(Self.order("PO-1"))
            await #expect { try await store.placePurchaseOrder(Self.order("PO-1")) } throws: {
                ($0 as? StoreError)?.code == .idempotencyConflict
            }
        }
    }

    @Test func theMigrationSplitsStoredPricesIntoAmountAndCurrency() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            do {
                let queue = try DatabaseQueue(path: path)
                try SQLitePlantStore.migrator.migrate(queue, upTo: "12-lot-label-dates")
                try await queue.write { db in
                    for (order, price) in [("PO-1", "12.50 EUR"), ("PO-2", nil), ("PO-3", "1250 JPY")] as [(String, String?)] {
                        try db.execute(sql: """
                            INSERT INTO purchase_order_lines (purchase_order, line, supplier, item, ordered, tolerance_percent, price)
                            VALUES (?, 1, 'S1', 'BOLT', 1000000, '0', ?)
                            """, arguments: [order, price])
                    }
                }
            }
            let store = try SQLitePlantStore(path: path, plantID: "ACME-BER", now: { Self.clock })
            #expect(try await store.purchaseOrderLines(order: nil).map(\.price) == ["12.50 EUR", "", "1250 JPY"])
            let rows = try store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT price_amount, price_currency FROM purchase_order_lines ORDER BY purchase_order")
            }
            #expect(rows.map { [$0["price_amount"] as String?, $0["price_currency"] as String?] } == [["12.50", "EUR"], [nil, nil], ["1250", "JPY"]])
        }
    }

    @Test func reorderRulesAreCheckedByCoreAndARuleNotHeldIsNotFound() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Self.store(in: dir)
            await #expect { try await store.defineReorderRule(
                ReorderRuleDefined(item: "NUT", minimum: Quantity(1), maximum: Quantity(2), multiple: Quantity(1), supplier: nil, leadTimeDays: nil),
                uom: nil) } throws: { ($0 as? SourcingRefusal)?.code == .unknownItem }
            let kept = try await store.defineReorderRule(
                ReorderRuleDefined(item: "BOLT", minimum: Quantity(10), maximum: Quantity(50), multiple: Quantity(5), supplier: "S1", leadTimeDays: nil),
                uom: nil)
            #expect(try await store.reorderRules() == [kept])
            let run = try await store.runReorder()
            #expect(run.placed.map(\.supplier) == ["S1"])
            #expect(try await store.purchaseOrderLines(order: run.placed.first?.order).map(\.price) == ["0.120 EUR"], "priced like a hand-made order")
            try await store.deleteReorderRule(item: "BOLT")
            await #expect { try await store.deleteReorderRule(item: "BOLT") } throws: { ($0 as? SourcingRefusal)?.code == .notFound }
        }
    }

    @Test func aRequestIsRoutedByPolicyAndDecidedAtTheStoresTime() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Self.store(in: dir)
            try await store.placePurchaseOrder(Self.order("PO-1"))
            let ann = PlantUser(name: "ann", role: .buyer), bob = PlantUser(name: "bob", role: .controller)
            let draft = ApprovalDraft(subject: .expedite, purchaseOrder: "PO-1", line: 1, amount: "250", reason: "line down", neededBy: "2030-03-01")
            await #expect { try await store.requestApproval(ApprovalDraft(
                subject: .expedite, purchaseOrder: "PO-9", line: 1, amount: "250", reason: "line down", neededBy: "2030-03-01"), by: ann)
            } throws: { ($0 as? SourcingRefusal)?.code == .notFound }
            let asked = try await store.requestApproval(draft, by: ann)
            #expect(asked.request.approval == "APR-1" && asked.request.route == .plant && asked.state == "pending" && asked.requestedAt == Self.clock)
            await #expect { try await store.decideApproval("APR-1", verdict: .approved, comment: nil, by: ann) } throws: {
                ($0 as? ApprovalRefusal)?.reason == .requester
            }
            await #expect { try await store.decideApproval("APR-9", verdict: .approved, comment: nil, by: bob) } throws: {
                ($0 as? SourcingRefusal)?.code == .notFound
            }
            let decided = try await store.decideApproval("APR-1", verdict: .approved, comment: "go", by: bob)
            #expect(decided.state == "approved" && decided.decision?.decidedAt == Self.clock && decided.decision?.place == .plant)
            let pending = try await store.approvals(state: "pending"), all = try await store.approvals(state: nil)
            #expect(pending.isEmpty && all.count == 1)
        }
    }
}
