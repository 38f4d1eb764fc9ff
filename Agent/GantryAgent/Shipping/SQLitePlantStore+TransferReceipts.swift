import Foundation
import GantryCore
import GRDB

/// Transfers received by scanning the SSCCs the sender shipped (`TransferReceiptDecision`): contents into stock
/// with their lots and dates, findings as discrepancies, and a closed receipt making every unit not seen short.
extension SQLitePlantStore {
    public func inboundTransfers(transfer: String?) async throws -> [InboundTransferView] {
        try await pool.read { db in
            try InboundTransferRecord.fetchAll(db, sql: """
                SELECT transfer, from_plant, company, trading_partner, sender_prefix, status FROM inbound_transfers
                WHERE (?1 IS NULL OR transfer = ?1) ORDER BY transfer
                """, arguments: [transfer]).map { transfer in
                let units = try InboundUnitRecord.fetchAll(db, sql: """
                    SELECT sscc, transfer, shipment, status, location FROM inbound_units WHERE transfer = ? ORDER BY sscc
                    """, arguments: [transfer.transfer]).compactMap { unit -> InboundTransferView.Unit? in
                    guard let sscc = try? SSCC(unit.sscc) else { return nil }
                    return InboundTransferView.Unit(
                        sscc: sscc, shipment: unit.shipment, status: unit.status, location: unit.location,
                        contents: try Self.announcedContents(unit.sscc, in: db))
                }
                let discrepancies = try DiscrepancyRecord.fetchAll(db, sql: """
                    SELECT discrepancy, sscc, kind, line, item, lot, serial, quantity, reason, recorded_by FROM transfer_discrepancies
                    WHERE transfer = ? ORDER BY at, discrepancy
                    """, arguments: [transfer.transfer]).map(\.view)
                return InboundTransferView(
                    transfer: transfer.transfer, fromPlant: transfer.fromPlant, company: transfer.company, tradingPartner: transfer.tradingPartner,
                    status: transfer.status, units: units, discrepancies: discrepancies)
            }
        }
    }

    static func announcedContents(_ sscc: String, in db: Database) throws -> [ShippedUnit.Content] {
        try UnitContentRecord.fetchAll(db, sql: """
            SELECT sscc, line, item, lot, serial, quantity, expiry FROM inbound_unit_contents WHERE sscc = ? ORDER BY line, item, lot, serial
            """, arguments: [sscc]).map(\.shipped)
    }

    public func receiveTransferUnit(_ intent: TransferReceiptIntent) async throws -> TransferReceiptAnswer {
        let at = now()
        let findings = intent.findings.map { [$0.unit.description, $0.counted?.description ?? "", $0.damaged.description, $0.reason ?? ""].joined(separator: "\u{1F}") }
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "transfer-receipt", fingerprint: [intent.transfer, intent.sscc.digits, intent.location,
                                                                                         intent.damagedLocation ?? ""] + findings, in: db) {
                let transfer = try InboundTransferRecord.fetchOne(db, sql: """
                    SELECT transfer, from_plant, company, trading_partner, sender_prefix, status FROM inbound_transfers WHERE transfer = ?
                    """, arguments: [intent.transfer])
                let unit = try InboundUnitRecord.fetchOne(db, sql: "SELECT sscc, transfer, shipment, status, location FROM inbound_units WHERE sscc = ?",
                                                          arguments: [intent.sscc.digits])
                let snapshot = TransferReceiptDecision.Snapshot(
                    transferOpen: transfer.map { $0.status == "open" }, senderPrefix: transfer?.senderPrefix.flatMap { try? GS1CompanyPrefix($0) },
                    unit: try unit.map { TransferReceiptDecision.Announced(
                        transfer: $0.transfer, received: $0.status == "received", recordedShort: $0.status == "short",
                        contents: try Self.announcedContents($0.sscc, in: db)) })
                let receipt = try TransferReceiptDecision.receive(intent.sscc, transfer: intent.transfer, findings: intent.findings, snapshot)
                let location = try Self.location(intent.location, in: db)
                let damagedAt: LocationDefined? = try receipt.contents.contains { $0.damaged.isPositive } ? {
                    guard let code = intent.damagedLocation else {
                        throw ShippingRefusal(.invalid, "damaged goods need a damagedLocation (a quarantine location)", field: "damagedLocation")
                    }
                    let place = try Self.location(code, in: db)
                    guard place.type == .quarantine else {
                        throw InventoryRefusal(.locationNotUsable, "\(code) is a \(place.type.rawValue) location: damaged goods go to quarantine",
                                               field: "damagedLocation")
                    }
                    return place
                }() : nil
                let shipment = unit!.shipment
                for content in receipt.contents {
                    guard let item = try Self.item(content.item, in: db) else {
                        throw InventoryRefusal(.unknownItem, "item \(content.item) is not in this plant's masters: it cannot be received")
                    }
                    let expiry = snapshot.unit?.contents.first { $0.unit == StockUnit(item: content.item, lot: content.lot, serial: content.serial) }?.expiry
                    let reference = MoveReference(kind: .transferLine, id: "\(intent.transfer)/\(content.line)")
                    for (quantity, place) in [(content.received, location), (content.damaged, damagedAt)] where quantity.isPositive {
                        let resolved = ResolvedUnit(item: item, lot: content.lot, serial: content.serial, expiry: expiry, quantity: quantity)
                        _ = try Self.move(.receipt, resolved, from: nil, to: place!.code, reference: reference, scan: nil,
                                          reason: place!.code == location.code ? nil : "damaged on arrival", requestID: nil, at: at, in: db)
                    }
                }
                try db.execute(sql: "UPDATE inbound_units SET status = 'received', location = ?, received_at = ? WHERE sscc = ?",
                               arguments: [location.code, Timestamp.format(at), intent.sscc.digits])
                let received = TransferUnitReceived(
                    transfer: intent.transfer, shipment: shipment, sscc: intent.sscc, fromPlant: transfer!.fromPlant, company: transfer!.company,
                    tradingPartner: transfer!.tradingPartner, location: location.code, contents: receipt.contents, receivedBy: intent.receivedBy)
                _ = try Self.append(received, occurredAt: at, recordedAt: at, in: db)
                var recorded: [TransferDiscrepancyRecorded] = []
                for found in receipt.discrepancies {
                    recorded.append(try Self.recordDiscrepancy(
                        transfer: transfer!, sscc: intent.sscc, kind: found.kind, content: found.content, quantity: found.quantity, reason: found.reason,
                        by: intent.receivedBy, at: at, in: db))
                }
                let message = "Received \(intent.sscc) of \(intent.transfer) into \(location.code)"
                    + (recorded.isEmpty ? "." : "; " + recorded.map { "\($0.kind.rawValue) \($0.quantity) \($0.item)" }.joined(separator: ", ") + " recorded.")
                return TransferReceiptAnswer(requestId: intent.requestID, received: received, discrepancies: recorded, message: message, duplicate: false)
            }
        }
    }

    /// Records one discrepancy, numbered per transfer (`TRANSFER/n`), with its event.
    private static func recordDiscrepancy(
        transfer: InboundTransferRecord, sscc: SSCC?, kind: TransferDiscrepancyRecorded.Kind, content: ShippedUnit.Content, quantity: Quantity,
        reason: String, by: String, at: Date, in db: Database
    ) throws -> TransferDiscrepancyRecorded {
        let number = (try Int.fetchOne(db, sql: "SELECT count(*) FROM transfer_discrepancies WHERE transfer = ?", arguments: [transfer.transfer]) ?? 0) + 1
        let event = TransferDiscrepancyRecorded(
            discrepancy: "\(transfer.transfer)/\(number)", transfer: transfer.transfer, sscc: sscc, kind: kind, line: content.line,
            item: content.item, lot: content.lot, serial: content.serial, quantity: quantity, reason: reason, recordedBy: by,
            company: transfer.company, tradingPartner: transfer.tradingPartner)
        try db.execute(sql: """
            INSERT INTO transfer_discrepancies (discrepancy, transfer, sscc, kind, line, item, lot, serial, quantity, reason, recorded_by, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [event.discrepancy, transfer.transfer, sscc?.digits, kind.rawValue, content.line, content.item, content.lot ?? "",
                             content.serial ?? "", quantity.micro, reason, by, Timestamp.format(at)])
        _ = try append(event, occurredAt: at, recordedAt: at, in: db)
        return event
    }

    public func closeTransferReceipt(transfer reference: String, closedBy: String) async throws -> TransferReceiptClosed {
        let at = now()
        return try await writer.write { db in
            let held = try InboundTransferRecord.fetchOne(db, sql: """
                SELECT transfer, from_plant, company, trading_partner, sender_prefix, status FROM inbound_transfers WHERE transfer = ?
                """, arguments: [reference])
            try TransferReceiptDecision.close(reference, open: held.map { $0.status == "open" })
            let transfer = held!
            let missing = try String.fetchAll(db, sql: "SELECT sscc FROM inbound_units WHERE transfer = ? AND status = 'expected' ORDER BY sscc",
                                              arguments: [reference])
            for sscc in missing {
                for content in try Self.announcedContents(sscc, in: db) {
                    _ = try Self.recordDiscrepancy(
                        transfer: transfer, sscc: try? SSCC(sscc), kind: .short, content: content, quantity: content.quantity,
                        reason: "unit not received by the close of the receipt", by: closedBy, at: at, in: db)
                }
            }
            try db.execute(sql: "UPDATE inbound_units SET status = 'short' WHERE transfer = ? AND status = 'expected'", arguments: [reference])
            try db.execute(sql: "UPDATE inbound_transfers SET status = 'closed' WHERE transfer = ?", arguments: [reference])
            let received = try Int.fetchOne(db, sql: "SELECT count(*) FROM inbound_units WHERE transfer = ? AND status = 'received'", arguments: [reference]) ?? 0
            let closed = TransferReceiptClosed(
                transfer: reference, unitsReceived: received, unitsShort: missing.count, closedBy: closedBy, company: transfer.company,
                tradingPartner: transfer.tradingPartner)
            _ = try Self.append(closed, occurredAt: at, recordedAt: at, in: db)
            return closed
        }
    }
}
