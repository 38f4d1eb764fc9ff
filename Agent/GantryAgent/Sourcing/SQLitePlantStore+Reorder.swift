import Foundation
import GantryCore
import GRDB

/// Plant-owned reorder rules, the orders they propose from the projected position of each item, and the run
/// that places those orders through the same path as a hand-made purchase order.
extension SQLitePlantStore {
    /// Sets the rule for an item (replacing its rule), with quantities given in `uom` (default: the item's base
    /// unit) and kept in the base unit; returns the rule as kept.
    public func defineReorderRule(_ given: ReorderRuleDefined, uom: String?) async throws -> ReorderRuleDefined {
        let at = now()
        return try await writer.write { db in
            let rule = try Self.checked(given, uom: uom, in: db)
            try db.execute(sql: """
                INSERT INTO reorder_rules (item, minimum, maximum, multiple, supplier, lead_time_days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (item) DO UPDATE SET minimum = excluded.minimum, maximum = excluded.maximum, multiple = excluded.multiple,
                    supplier = excluded.supplier, lead_time_days = excluded.lead_time_days, updated_at = excluded.updated_at
                """, arguments: [rule.item, rule.minimum.micro, rule.maximum.micro, rule.multiple.micro, rule.supplier, rule.leadTimeDays,
                                 Timestamp.format(at)])
            _ = try Self.append(rule, occurredAt: at, recordedAt: at, in: db)
            return rule
        }
    }

    public func deleteReorderRule(item: String) async throws {
        let at = now()
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM reorder_rules WHERE item = ?", arguments: [item])
            guard db.changesCount > 0 else { throw SourcingRefusal(.notFound, "no reorder rule for \(item)") }
            _ = try Self.append(ReorderRuleDeleted(item: item), occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func reorderRules() async throws -> [ReorderRuleDefined] {
        try await pool.read { db in try Self.reorderRules(in: db) }
    }

    /// What every rule comes to now: the orders it proposes and the rules no supplier can serve.
    public func reorderProposals() async throws -> ReorderEvaluation {
        let at = now()
        return try await pool.read { db in try Self.evaluateReorder(today: try Self.plantDay(at, in: db), in: db) }
    }

    /// Places the proposed orders, one per supplier (`RO-YYYYMMDD-N`, numbered after the day's highest), each as
    /// `placePurchaseOrder` places it, in the transaction that worked them out: two runs at once (the watch and a
    /// request) take turns, and the second sees the first's orders in the position and proposes nothing for them.
    /// An order refused leaves nothing behind but its number, unused.
    public func runReorder() async throws -> ReorderRun {
        let at = now()
        return try await writer.write { db in
            let today = try Self.plantDay(at, in: db)
            let prefix = "RO-" + today.replacingOccurrences(of: "-", with: "") + "-"
            var number = try Int.fetchOne(db, sql: """
                SELECT max(CAST(substr(purchase_order, ?1 + 1) AS INTEGER)) FROM purchase_order_lines WHERE substr(purchase_order, 1, ?1) = ?2
                """, arguments: [prefix.count, prefix]) ?? 0
            let evaluation = try Self.evaluateReorder(today: today, in: db)
            var run = ReorderRun(placed: [], refused: [], proposals: evaluation.proposals, unserved: evaluation.unserved)
            for supplier in Set(evaluation.proposals.map(\.supplier)).sorted() {
                let lines = evaluation.proposals.filter { $0.supplier == supplier }.enumerated().map { index, proposal in
                    PurchaseOrderLine(line: index + 1, item: proposal.item, quantity: proposal.quantity, tolerancePercent: .zero, due: proposal.due)
                }
                number += 1
                let order = PurchaseOrderPlaced(order: prefix + String(number), supplier: supplier, lines: lines)
                do {
                    // A refusal leaves nothing behind: the attempt runs in a savepoint.
                    try db.inSavepoint {
                        try Self.place(order, at: at, in: db)
                        return .commit
                    }
                    run.placed.append(order)
                } catch let refusal as SourcingRefusal {
                    run.refused.append(.init(order: order.order, supplier: supplier, items: lines.map(\.item), reason: refusal.detail))
                }
            }
            return run
        }
    }

    /// The rule with its quantities in the item's base unit, or the refusal naming the field at fault (`Reorder.check`).
    static func checked(_ given: ReorderRuleDefined, uom: String?, in db: Database) throws -> ReorderRuleDefined {
        let supplierHeld = try given.supplier.map { try Self.master(.supplier, $0, in: db) != nil } ?? true
        return try Reorder.check(given, uom: uom, item: try Self.item(given.item, in: db), supplierHeld: supplierHeld)
    }

    static func reorderRules(in db: Database) throws -> [ReorderRuleDefined] {
        try ReorderRuleRow.fetchAll(db, sql: "SELECT * FROM reorder_rules ORDER BY item").map(\.rule)
    }

    /// Every rule against its item's projected position: the same stock, reservations, work order demand and open
    /// purchase order lines that readiness nets.
    static func evaluateReorder(today: String, in db: Database) throws -> ReorderEvaluation {
        let rules = try reorderRules(in: db)
        guard !rules.isEmpty else { return ReorderEvaluation(proposals: [], unserved: []) }
        let stock = try usableStock(today: today, in: db)
        let supply = try openSupply(in: db)
        let demands = try openDemands(in: db).demands
        let offers = try supplierOffers(in: db)
        var statuses: [String: String] = [:]
        for supplier in Set(rules.compactMap(\.supplier)) {
            statuses[supplier] = try master(.supplier, supplier, in: db).map(Self.supplierStatus)
        }
        var evaluation = ReorderEvaluation(proposals: [], unserved: [])
        for rule in rules {
            let position = Reorder.Position(
                onHand: stock[rule.item]?.onHand ?? .zero, reserved: stock[rule.item]?.reserved ?? .zero,
                openPurchases: supply.filter { $0.item == rule.item }.reduce(.zero) { $0 + $1.open },
                demand: demands.filter { $0.component == rule.item }.reduce(.zero) { $0 + max(.zero, $1.needed - $1.reserved) })
            switch Reorder.evaluate(rule, position: position, offers: offers[rule.item] ?? [], statuses: statuses, today: today) {
            case .covered: continue
            case .order(let proposal): evaluation.proposals.append(proposal)
            case .unserved(let unserved): evaluation.unserved.append(unserved)
            }
        }
        return evaluation
    }

    /// The hub's active supplier items by item, each with its supplier's status now.
    static func supplierOffers(in db: Database) throws -> [String: [Reorder.Offer]] {
        var offers: [String: [Reorder.Offer]] = [:]
        let rows = try HeldMasterRow.fetchAll(db, sql: "SELECT * FROM hub_masters INDEXED BY hub_masters_kind_key WHERE kind = 'supplier-item' AND active")
        for terms in try rows.compactMap({ try $0.record() }).compactMap(SupplierItemMaster.init) {
            let status = try master(.supplier, terms.supplier, in: db).map(Self.supplierStatus) ?? "unknown"
            offers[terms.item, default: []].append(Reorder.Offer(
                supplier: terms.supplier, status: status, rank: terms.rank, leadTimeDays: terms.leadTimeDays, unitPrice: terms.price,
                minimumQuantity: terms.minimumQuantity))
        }
        return offers
    }

    /// A supplier master's status, `retired` for a record the hub retired.
    static func supplierStatus(_ supplier: MasterRecord) -> String {
        guard supplier.active else { return "retired" }
        return SupplierMaster(supplier)?.status.rawValue ?? "unknown"
    }
}

/// A row of `reorder_rules`, quantities in millionths of the item's base unit.
struct ReorderRuleRow: Decodable, FetchableRecord {
    var item: String
    var minimum: Int64
    var maximum: Int64
    var multiple: Int64
    var supplier: String?
    var leadTimeDays: Int?

    enum CodingKeys: String, CodingKey {
        case item, minimum, maximum, multiple, supplier, leadTimeDays = "lead_time_days"
    }

    var rule: ReorderRuleDefined {
        ReorderRuleDefined(
            item: item, minimum: Quantity(micro: minimum), maximum: Quantity(micro: maximum), multiple: Quantity(micro: multiple),
            supplier: supplier, leadTimeDays: leadTimeDays)
    }
}

/// What the reorder rules come to now (`GET /v1/reorder/proposals`).
public struct ReorderEvaluation: Sendable, Equatable, Codable {
    public var proposals: [Reorder.Proposal]
    public var unserved: [Reorder.Unserved]
}

/// What a reorder run placed (`POST /v1/reorder/run`), and what it could not.
public struct ReorderRun: Sendable, Equatable, Codable {
    /// An order the purchase order path refused (a supplier blocked since the proposal, for one).
    public struct Refused: Sendable, Equatable, Codable {
        public var order: String
        public var supplier: String
        public var items: [String]
        public var reason: String
    }

    public var placed: [PurchaseOrderPlaced]
    public var refused: [Refused]
    public var proposals: [Reorder.Proposal]
    public var unserved: [Reorder.Unserved]
}
