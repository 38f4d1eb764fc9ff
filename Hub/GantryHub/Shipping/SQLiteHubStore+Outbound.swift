import Foundation
import GantryCore
import GRDB

/// Customer orders and transfers on SQLite: placing them and settling discrepancies (reports in `+OutboundReports`).
extension SQLiteHubStore {
    public func placeCustomerOrder(
        _ order: CustomerOrderInstruction, plant: String, at: Date, by: String, audit: AuditDraft
    ) async throws -> OrderPlacement {
        let body = try JSONValue.encoding(order)
        return try await pool.write { db in
            if let held = try String.fetchOne(db, sql: "SELECT plant_id FROM customer_orders WHERE company = ? AND order_ref = ?",
                                              arguments: [order.company, order.order]) {
                return OrderPlacement(instructions: try Self.held(plant: held, kind: .customerOrder, reference: order.order, in: db), created: false)
            }
            try db.execute(sql: """
                INSERT INTO customer_orders (company, order_ref, plant_id, customer, currency, requested, body, ordered_at, ordered_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [order.company, order.order, plant, order.customer, order.currency.code, order.requested, body.canonicalText,
                                 Timestamp.format(at), by])
            for line in order.lines {
                try db.execute(sql: """
                    INSERT INTO customer_order_lines (company, order_ref, line, item, quantity, price, promised) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [order.company, order.order, line.line, line.item, line.quantity.micro, line.price.amountText, line.promised])
            }
            let instruction = try Self.issue(
                InstructionDraft(plant: plant, kind: .customerOrder, reference: order.order, body: body, issuedAt: at, issuedBy: by), in: db)
            try Self.appendAudit(audit, at: at, in: db)
            return OrderPlacement(instructions: [instruction], created: true)
        }
    }

    public func placeTransfer(_ transfer: TransferInstruction, at: Date, by: String, audit: AuditDraft) async throws -> OrderPlacement {
        let body = try JSONValue.encoding(transfer)
        return try await pool.write { db in
            if let held = try String.fetchOne(db, sql: "SELECT to_plant FROM transfers WHERE transfer = ?", arguments: [transfer.transfer]) {
                let from = try String.fetchOne(db, sql: "SELECT from_plant FROM transfers WHERE transfer = ?", arguments: [transfer.transfer]) ?? ""
                return OrderPlacement(
                    instructions: try Self.held(plant: from, kind: .transferOut, reference: transfer.transfer, in: db)
                        + Self.held(plant: held, kind: .transferIn, reference: transfer.transfer, in: db),
                    created: false)
            }
            try db.execute(sql: """
                INSERT INTO transfers (transfer, from_plant, to_plant, from_company, to_company, requested, body, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [transfer.transfer, transfer.fromPlant, transfer.toPlant, transfer.fromCompany, transfer.toCompany,
                                 transfer.requested, body.canonicalText, Timestamp.format(at), by])
            for line in transfer.lines {
                try db.execute(sql: """
                    INSERT INTO transfer_lines (transfer, line, item, quantity, price, currency) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [transfer.transfer, line.line, line.item, line.quantity.micro, line.price?.amountText, line.price?.currency.code])
            }
            let out = try Self.issue(InstructionDraft(
                plant: transfer.fromPlant, kind: .transferOut, reference: transfer.transfer, body: body, issuedAt: at, issuedBy: by), in: db)
            let into = try Self.issue(InstructionDraft(
                plant: transfer.toPlant, kind: .transferIn, reference: transfer.transfer, body: body, issuedAt: at, issuedBy: by), in: db)
            try Self.appendAudit(audit, at: at, in: db)
            return OrderPlacement(instructions: [out, into], created: true)
        }
    }

    public func settleDiscrepancy(
        transfer: String, discrepancy: String, settlement: DiscrepancySettlement, scope: CompanyScope, audit: AuditDraft
    ) async throws -> DiscrepancyReport {
        let scoped = SQLiteCompanyFilter(scope, column: "t.from_company"), scopedTo = SQLiteCompanyFilter(scope, column: "t.to_company")
        let visible = scoped.condition.map { "(\($0) OR \(scopedTo.condition!))" } ?? "1"
        return try await pool.write { db in
            var arguments: StatementArguments = [transfer, discrepancy]
            arguments += scoped.arguments
            arguments += scopedTo.arguments
            guard let row = try DiscrepancyRow.fetchOne(db, sql: """
                SELECT d.* FROM transfer_discrepancies d JOIN transfers t ON t.transfer = d.transfer
                WHERE d.transfer = ? AND d.discrepancy = ? AND \(visible)
                """, arguments: arguments) else {
                throw HubStoreError(.notFound, "no discrepancy \(discrepancy) of transfer \(transfer)")
            }
            var report = try row.report()
            let settled = try DiscrepancySettlement.settle(report.settlement, with: settlement, discrepancy: discrepancy)
            try db.execute(sql: """
                UPDATE transfer_discrepancies SET resolution = ?, settlement_note = ?, settled_by = ?, settled_at = ?
                WHERE transfer = ? AND discrepancy = ?
                """, arguments: [settled.resolution.rawValue, settled.note, settled.settledBy,
                                 settled.settledAt.map(Timestamp.format), transfer, discrepancy])
            // The entry belongs to the company that recorded the discrepancy (its trading partner sees the transfer).
            var audit = audit
            audit.company = audit.company ?? row.company
            try Self.appendAudit(audit, at: settled.settledAt ?? report.recordedAt, in: db)
            try self.postSettlement(report, settled, in: db)
            report.settlement = settled
            return report
        }
    }

    /// Posts what the settlement decides (`PostingEngine.post(_:snapshot:)`), in the transaction that records it; an
    /// accounting refusal refuses the settlement.
    private func postSettlement(_ report: DiscrepancyReport, _ settlement: DiscrepancySettlement, in db: Database) throws {
        guard let row = try SettlementTransferRow.fetchOne(db, sql: """
            SELECT t.from_plant, t.from_company, l.price, l.currency, p.time_zone,
                (SELECT min(s.dispatched_at) FROM shipment_units u
                 JOIN shipments s ON s.plant_id = u.plant_id AND s.shipment = u.shipment
                 WHERE u.order_ref = t.transfer AND u.sscc = ?) AS dispatched_at,
                (SELECT f.time_zone FROM plants f WHERE f.plant_id = t.from_plant) AS from_time_zone
            FROM transfers t JOIN plants p ON p.plant_id = ? LEFT JOIN transfer_lines l ON l.transfer = t.transfer AND l.line = ?
            WHERE t.transfer = ?
            """, arguments: [report.sscc, report.plant, report.line, report.transfer]) else { return }
        let masters = try ledgerMasters(in: db)
        guard let settled = LedgerPosting.settled(report, settlement, transfer: row.transfer, masters: masters) else { return }
        let needs = PostingEngine.needs(settled)
        let outcome = try PostingEngine.post(settled, snapshot: LedgerPosting.snapshot(needs, masters: masters, reads: try Self.reads(needs, in: db)))
        try Self.write(LedgerWrite(outcome), at: settled.settledAt, in: db)
    }

    /// What a settlement reads of its transfer.
    struct SettlementTransferRow: Decodable, FetchableRecord {
        var fromPlant, fromCompany: String
        var price, currency: String?
        var timeZone: String
        var dispatchedAt, fromTimeZone: String?
        enum CodingKeys: String, CodingKey {
            case fromPlant = "from_plant", fromCompany = "from_company", price, currency, timeZone = "time_zone"
            case dispatchedAt = "dispatched_at", fromTimeZone = "from_time_zone"
        }

        var transfer: LedgerPosting.SettlementTransfer {
            LedgerPosting.SettlementTransfer(fromPlant: fromPlant, fromCompany: fromCompany, price: price, currency: currency, timeZone: timeZone,
                                             dispatchedAt: dispatchedAt.flatMap(Timestamp.parse), fromTimeZone: fromTimeZone)
        }
    }

    /// Hands an instruction to its plant at the plant's next number.
    static func issue(_ draft: InstructionDraft, in db: Database) throws -> PlantInstruction {
        let sequence = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) + 1 FROM plant_instructions WHERE plant_id = ?",
                                          arguments: [draft.plant]) ?? 1
        try db.execute(sql: """
            INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [draft.plant, sequence, draft.kind.rawValue, draft.reference, draft.body.canonicalText,
                             Timestamp.format(draft.issuedAt), draft.issuedBy])
        return draft.numbered(sequence)
    }

    private static func held(plant: String, kind: PlantInstruction.Kind, reference: String, in db: Database) throws -> [PlantInstruction] {
        try InstructionRow.fetchAll(db, sql: "SELECT * FROM plant_instructions WHERE plant_id = ? AND kind = ? AND reference = ?",
                                    arguments: [plant, kind.rawValue, reference]).map { try $0.record() }
    }

    /// A row of `transfer_discrepancies`.
    struct DiscrepancyRow: Decodable, FetchableRecord {
        var transfer, discrepancy, plantID: String
        var sscc: String?
        var kind: String
        var line: Int
        var item, lot, serial: String
        var quantity: Int64
        var reason, recordedBy, recordedAt, company: String
        var tradingPartner, resolution, settlementNote, settledBy, settledAt: String?

        enum CodingKeys: String, CodingKey {
            case transfer, discrepancy, plantID = "plant_id", sscc, kind, line, item, lot, serial, quantity, reason
            case recordedBy = "recorded_by", recordedAt = "recorded_at", company, tradingPartner = "trading_partner", resolution
            case settlementNote = "settlement_note", settledBy = "settled_by", settledAt = "settled_at"
        }

        func report() throws -> DiscrepancyReport {
            let settlement = try resolution.map {
                DiscrepancySettlement(
                    resolution: try DiscrepancySettlement.Resolution(rawValue: $0).orThrow("unknown resolution \($0)"),
                    note: settlementNote ?? "", settledBy: settledBy, settledAt: settledAt.flatMap(Timestamp.parse))
            }
            return DiscrepancyReport(
                discrepancy: discrepancy, transfer: transfer, plant: plantID, sscc: sscc,
                kind: try TransferDiscrepancyRecorded.Kind(rawValue: kind).orThrow("unknown discrepancy kind \(kind)"), line: line,
                item: item, lot: lot.isEmpty ? nil : lot, serial: serial.isEmpty ? nil : serial, quantity: Quantity(micro: quantity),
                reason: reason, recordedBy: recordedBy, recordedAt: try Timestamp.parse(recordedAt).orThrow("unreadable recorded_at"),
                company: company, tradingPartner: tradingPartner, settlement: settlement)
        }
    }
}
