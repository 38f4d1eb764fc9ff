import Foundation
import GantryCore
import PostgresNIO

/// Customer orders and transfers on PostgreSQL: placing them and settling discrepancies (reports in `+OutboundReports`).
extension PostgresHubStore {
    public func placeCustomerOrder(
        _ order: CustomerOrderInstruction, plant: String, at: Date, by: String, audit: AuditDraft
    ) async throws -> OrderPlacement {
        let body = try JSONValue.encoding(order)
        return try await transaction { [logger] connection in
            // Numbers per plant are handed out one at a time.
            try await Self.lockInstructionNumbers(of: [plant], connection, logger: logger)
            var held: String?
            for try await plantID in try await connection.query(
                "SELECT plant_id FROM customer_orders WHERE company = \(order.company) AND order_ref = \(order.order)", logger: logger
            ).decode(String.self) {
                held = plantID
            }
            if let held {
                return OrderPlacement(
                    instructions: try await Self.held(plant: held, kind: .customerOrder, reference: order.order, connection, logger), created: false)
            }
            try await connection.query("""
                INSERT INTO customer_orders (company, order_ref, plant_id, customer, currency, requested, body, ordered_at, ordered_by)
                VALUES (\(order.company), \(order.order), \(plant), \(order.customer), \(order.currency.code), \(order.requested),
                        \(body.canonicalText)::jsonb, \(at), \(by))
                """, logger: logger)
            let lines = order.lines
            try await connection.query("""
                INSERT INTO customer_order_lines (company, order_ref, line, item, quantity, price, promised)
                SELECT \(order.company), \(order.order), line, item, quantity, price, NULLIF(promised, '')
                FROM unnest(\(lines.map { Int32($0.line) }), \(lines.map(\.item)), \(lines.map(\.quantity.micro)),
                            \(lines.map(\.price.amountText)), \(lines.map { $0.promised ?? "" })) AS u(line, item, quantity, price, promised)
                """, logger: logger)
            let instruction = try await Self.issue(
                InstructionDraft(plant: plant, kind: .customerOrder, reference: order.order, body: body, issuedAt: at, issuedBy: by),
                connection, logger)
            try await Self.appendAudit(audit, at: at, in: connection, logger: logger)
            return OrderPlacement(instructions: [instruction], created: true)
        }
    }

    public func placeTransfer(_ transfer: TransferInstruction, at: Date, by: String, audit: AuditDraft) async throws -> OrderPlacement {
        let body = try JSONValue.encoding(transfer)
        return try await transaction { [logger] connection in
            // Both plants' numbers, locked in plant order so two transfers between the same plants cannot deadlock.
            try await Self.lockInstructionNumbers(of: [transfer.fromPlant, transfer.toPlant], connection, logger: logger)
            var held: (from: String, to: String)?
            for try await (from, to) in try await connection.query(
                "SELECT from_plant, to_plant FROM transfers WHERE transfer = \(transfer.transfer)", logger: logger
            ).decode((String, String).self) {
                held = (from, to)
            }
            if let held {
                let out = try await Self.held(plant: held.from, kind: .transferOut, reference: transfer.transfer, connection, logger)
                let into = try await Self.held(plant: held.to, kind: .transferIn, reference: transfer.transfer, connection, logger)
                return OrderPlacement(instructions: out + into, created: false)
            }
            try await connection.query("""
                INSERT INTO transfers (transfer, from_plant, to_plant, from_company, to_company, requested, body, created_at, created_by)
                VALUES (\(transfer.transfer), \(transfer.fromPlant), \(transfer.toPlant), \(transfer.fromCompany), \(transfer.toCompany),
                        \(transfer.requested), \(body.canonicalText)::jsonb, \(at), \(by))
                """, logger: logger)
            let lines = transfer.lines
            try await connection.query("""
                INSERT INTO transfer_lines (transfer, line, item, quantity, price, currency)
                SELECT \(transfer.transfer), line, item, quantity, NULLIF(price, ''), NULLIF(currency, '')
                FROM unnest(\(lines.map { Int32($0.line) }), \(lines.map(\.item)), \(lines.map(\.quantity.micro)),
                            \(lines.map { $0.price?.amountText ?? "" }), \(lines.map { $0.price?.currency.code ?? "" }))
                    AS u(line, item, quantity, price, currency)
                """, logger: logger)
            let out = try await Self.issue(InstructionDraft(
                plant: transfer.fromPlant, kind: .transferOut, reference: transfer.transfer, body: body, issuedAt: at, issuedBy: by),
                connection, logger)
            let into = try await Self.issue(InstructionDraft(
                plant: transfer.toPlant, kind: .transferIn, reference: transfer.transfer, body: body, issuedAt: at, issuedBy: by),
                connection, logger)
            try await Self.appendAudit(audit, at: at, in: connection, logger: logger)
            return OrderPlacement(instructions: [out, into], created: true)
        }
    }

    public func settleDiscrepancy(
        transfer: String, discrepancy: String, settlement: DiscrepancySettlement, scope: CompanyScope, audit: AuditDraft
    ) async throws -> DiscrepancyReport {
        let scoped = PostgresCompanyFilter(scope)
        return try await transaction { [self, logger] connection in
            let found = try await Self.discrepancies(connection.query("""
                SELECT \(unescaped: Self.discrepancyColumns) FROM transfer_discrepancies d JOIN transfers t ON t.transfer = d.transfer
                WHERE d.transfer = \(transfer) AND d.discrepancy = \(discrepancy)
                  AND (\(scoped.everyCompany) OR t.from_company = ANY(\(scoped.companies)) OR t.to_company = ANY(\(scoped.companies)))
                FOR UPDATE OF d
                """, logger: logger))
            guard var report = found.first else { throw HubStoreError(.notFound, "no discrepancy \(discrepancy) of transfer \(transfer)") }
            let settled = try DiscrepancySettlement.settle(report.settlement, with: settlement, discrepancy: discrepancy)
            try await connection.query("""
                UPDATE transfer_discrepancies SET resolution = \(settled.resolution.rawValue), settlement_note = \(settled.note),
                    settled_by = \(settled.settledBy), settled_at = \(settled.settledAt)
                WHERE transfer = \(transfer) AND discrepancy = \(discrepancy)
                """, logger: logger)
            // The entry belongs to the company that recorded the discrepancy (its trading partner sees the transfer).
            var audit = audit
            audit.company = audit.company ?? report.company
            try await Self.appendAudit(audit, at: settled.settledAt ?? report.recordedAt, in: connection, logger: logger)
            try await postSettlement(report, settled, in: connection, logger: logger)
            report.settlement = settled
            return report
        }
    }

    /// Posts what the settlement decides (`PostingEngine.post(_:snapshot:)`), in the transaction that records it, under
    /// the locks posting takes; an accounting refusal refuses the settlement.
    private func postSettlement(
        _ report: DiscrepancyReport, _ settlement: DiscrepancySettlement, in connection: PostgresConnection, logger: Logger
    ) async throws {
        var transfer: LedgerPosting.SettlementTransfer?
        for try await (fromPlant, fromCompany, price, currency, zone, dispatchedAt, fromZone) in try await connection.query("""
            SELECT t.from_plant, t.from_company, l.price, l.currency, p.time_zone,
                (SELECT min(s.dispatched_at) FROM shipment_units u
                 JOIN shipments s ON s.plant_id = u.plant_id AND s.shipment = u.shipment
                 WHERE u.order_ref = t.transfer AND u.sscc = \(report.sscc)),
                (SELECT f.time_zone FROM plants f WHERE f.plant_id = t.from_plant)
            FROM transfers t JOIN plants p ON p.plant_id = \(report.plant)
            LEFT JOIN transfer_lines l ON l.transfer = t.transfer AND l.line = \(Int32(report.line))
            WHERE t.transfer = \(report.transfer)
            """, logger: logger).decode((String, String, String?, String?, String, Date?, String?).self) {
            transfer = LedgerPosting.SettlementTransfer(fromPlant: fromPlant, fromCompany: fromCompany, price: price, currency: currency,
                                                        timeZone: zone, dispatchedAt: dispatchedAt, fromTimeZone: fromZone)
        }
        guard let transfer else { return }
        let masters = try await ledgerMasters(in: connection, logger: logger)
        guard let settled = LedgerPosting.settled(report, settlement, transfer: transfer, masters: masters) else { return }
        let needs = PostingEngine.needs(settled)
        try await Self.lockLedger(needs, in: connection, logger: logger)
        let reads = try await Self.reads(needs, in: connection, logger: logger)
        let outcome = try PostingEngine.post(settled, snapshot: LedgerPosting.snapshot(needs, masters: masters, reads: reads))
        try await Self.write(LedgerWrite(outcome), at: settled.settledAt, in: connection, logger: logger)
    }

    /// Hands an instruction to its plant at the plant's next number; the caller holds the plant's row lock.
    static func issue(_ draft: InstructionDraft, _ connection: PostgresConnection, _ logger: Logger) async throws -> PlantInstruction {
        let sequence = try await nextInstruction(draft.plant, connection, logger: logger)
        try await connection.query("""
            INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by)
            VALUES (\(draft.plant), \(sequence), \(draft.kind.rawValue), \(draft.reference), \(draft.body.canonicalText)::jsonb,
                    \(draft.issuedAt), \(draft.issuedBy))
            """, logger: logger)
        return draft.numbered(sequence)
    }

    private static func held(
        plant: String, kind: PlantInstruction.Kind, reference: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [PlantInstruction] {
        try await instructions(connection.query("""
            SELECT \(unescaped: instructionColumns) FROM plant_instructions
            WHERE plant_id = \(plant) AND kind = \(kind.rawValue) AND reference = \(reference)
            """, logger: logger))
    }

    static let discrepancyColumns = """
        d.transfer, d.discrepancy, d.plant_id, d.sscc, d.kind, d.line, d.item, d.lot, d.serial, d.quantity, d.reason, d.recorded_by,
        d.recorded_at, d.company, d.trading_partner, d.resolution, d.settlement_note, d.settled_by, d.settled_at
        """

    /// Discrepancies from rows of `discrepancyColumns`.
    static func discrepancies(_ rows: PostgresRowSequence) async throws -> [DiscrepancyReport] {
        var reports: [DiscrepancyReport] = []
        for try await (transfer, id, plant, sscc, kind, line, item, lot, serial, quantity, reason, by, at, company, partner, resolution,
                       note, settledBy, settledAt) in rows.decode(
                        (String, String, String, String?, String, Int32, String, String, String, Int64, String, String, Date, String,
                         String?, String?, String?, String?, Date?).self) {
            let settlement = try resolution.map {
                DiscrepancySettlement(
                    resolution: try DiscrepancySettlement.Resolution(rawValue: $0).orThrow("unknown resolution \($0)"), note: note ?? "",
                    settledBy: settledBy, settledAt: settledAt)
            }
            reports.append(DiscrepancyReport(
                discrepancy: id, transfer: transfer, plant: plant, sscc: sscc,
                kind: try TransferDiscrepancyRecorded.Kind(rawValue: kind).orThrow("unknown discrepancy kind \(kind)"), line: Int(line),
                item: item, lot: lot.isEmpty ? nil : lot, serial: serial.isEmpty ? nil : serial, quantity: Quantity(micro: quantity),
                reason: reason, recordedBy: by, recordedAt: at, company: company, tradingPartner: partner, settlement: settlement))
        }
        return reports
    }
}
