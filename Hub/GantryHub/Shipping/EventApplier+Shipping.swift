import Foundation
import GantryCore
import GRDB

extension EventApplier {
    /// Answers, shipments (and for a transfer the receiving plant's `inbound-shipment` instruction, in this very
    /// transaction, so it is handed out once however often the batch comes), receipts, discrepancies, closings and
    /// received lots.
    func apply(_ shipping: EventProjection.ShippingFacts) throws {
        try applyAnswers(shipping.answers)
        for dispatch in shipping.dispatches { try applyDispatch(dispatch) }
        try applyReceipts(shipping)
        let insertLot = try db.cachedStatement(sql: """
            INSERT INTO received_lots (plant_id, seq, item, lot, purchase_order, line, quantity, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        for lot in shipping.receivedLots {
            try insertLot.execute(arguments: [
                plant, lot.sequence, lot.item, lot.lot, lot.order, lot.line, lot.quantity, Timestamp.format(lot.at),
            ])
        }
    }

    private func applyAnswers(_ answers: [EventProjection.ShippingFacts.Answer]) throws {
        let company = PlantIdentity.company(of: plant)
        let answerInstruction = try db.cachedStatement(sql: """
            UPDATE plant_instructions SET answer = ?, answered_at = ? WHERE plant_id = ? AND seq = ? AND kind = ? AND reference = ?
            """)
        let orderLine = try db.cachedStatement(sql: """
            UPDATE customer_order_lines SET accepted = ?, answered_promised = ?, answer_reason = ?
            WHERE company = ? AND order_ref = ? AND line = ?
              AND EXISTS (SELECT 1 FROM customer_orders o WHERE o.company = ?4 AND o.order_ref = ?5 AND o.plant_id = ?)
            """)
        let transferLine = try db.cachedStatement(sql: """
            UPDATE transfer_lines SET accepted = ?, answered_promised = ?, answer_reason = ?
            WHERE transfer = ? AND line = ? AND EXISTS (SELECT 1 FROM transfers t WHERE t.transfer = ?4 AND t.from_plant = ?)
            """)
        for answer in answers {
            try answerInstruction.execute(arguments: [
                answer.payload, Timestamp.format(answer.at), plant, answer.instruction, answer.kind.rawValue, answer.reference,
            ])
            for line in answer.lines {
                if answer.kind == .customerOrder {
                    try orderLine.execute(arguments: [line.accepted, line.promised, line.reason, company, answer.reference, line.line, plant])
                } else {
                    try transferLine.execute(arguments: [line.accepted, line.promised, line.reason, answer.reference, line.line, plant])
                }
            }
        }
    }

    private func applyDispatch(_ dispatch: EventProjection.ShippingFacts.Dispatch) throws {
        let shipped = dispatch.event, at = Timestamp.format(dispatch.at)
        let isNew = try Int.fetchOne(db, sql: "SELECT 1 FROM shipments WHERE plant_id = ? AND shipment = ?", arguments: [plant, shipped.shipment]) == nil
        guard isNew else { return }  // A plant's shipment ids are its own and unique: a repeat adds nothing.
        try db.execute(sql: """
            INSERT INTO shipments (plant_id, shipment, seq, kind, order_ref, customer, to_plant, company, trading_partner, carrier, tracking,
                                   dispatched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                plant, shipped.shipment, dispatch.sequence, shipped.kind.rawValue, shipped.order, shipped.customer, shipped.toPlant,
                shipped.company, shipped.tradingPartner, shipped.carrier, shipped.trackingReference, at,
            ])
        let insertLine = try db.cachedStatement(sql: """
            INSERT INTO shipment_lines (plant_id, shipment, line, item, quantity, price, currency) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        for line in shipped.lines {
            try insertLine.execute(arguments: [
                plant, shipped.shipment, line.line, line.item, line.quantity.micro, line.price?.amountText, line.price?.currency.code,
            ])
        }
        let insertUnit = try db.cachedStatement(sql: """
            INSERT INTO shipment_units (plant_id, shipment, sscc, kind, order_ref, company, trading_partner) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        let insertContent = try db.cachedStatement(sql: """
            INSERT INTO shipment_contents (plant_id, shipment, sscc, content_no, line, item, lot, serial, expiry, quantity)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        for unit in shipped.units {
            try insertUnit.execute(arguments: [
                plant, shipped.shipment, unit.sscc.digits, shipped.kind.rawValue, shipped.order, shipped.company, shipped.tradingPartner,
            ])
            for (index, content) in unit.contents.enumerated() {
                try insertContent.execute(arguments: [
                    plant, shipped.shipment, unit.sscc.digits, index + 1, content.line, content.item, content.lot ?? "", content.serial ?? "",
                    content.expiry, content.quantity.micro,
                ])
            }
        }
        guard shipped.kind == .transfer,
              let receiver = try TransferEnds.fetchOne(
                db, sql: "SELECT to_plant, to_company FROM transfers WHERE transfer = ? AND from_plant = ?", arguments: [shipped.order, plant])
        else { return }
        let (reference, body) = try EventProjection.ShippingFacts.inbound(dispatch, from: plant, toCompany: receiver.toCompany)
        let sequence = try Int64.fetchOne(
            db, sql: "SELECT coalesce(max(seq), 0) + 1 FROM plant_instructions WHERE plant_id = ?", arguments: [receiver.toPlant]) ?? 1
        try db.execute(sql: """
            INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (plant_id, kind, reference) DO NOTHING
            """, arguments: [
                receiver.toPlant, sequence, PlantInstruction.Kind.inboundShipment.rawValue, reference, body.canonicalText, receivedAt,
                "plant:\(plant)",
            ])
    }

    private func applyReceipts(_ shipping: EventProjection.ShippingFacts) throws {
        // Only the transfer's receiving plant receives its units, discrepancies and closing.
        let ofMine = "EXISTS (SELECT 1 FROM transfers t WHERE t.transfer = ? AND t.to_plant = ?)"
        for receipt in shipping.receipts {
            let received = receipt.event
            try db.execute(sql: """
                UPDATE shipment_units SET received_at = ?, received_by = ?, received_plant = ?
                WHERE plant_id = ? AND shipment = ? AND sscc = ? AND kind = 'transfer' AND order_ref = ? AND received_at IS NULL AND \(ofMine)
                """, arguments: [
                    Timestamp.format(receipt.at), received.receivedBy, plant, received.fromPlant, received.shipment, received.sscc.digits,
                    received.transfer, received.transfer, plant,
                ])
            for content in received.contents {
                try db.execute(sql: """
                    UPDATE shipment_contents SET received = ?, damaged = ?
                    WHERE plant_id = ? AND shipment = ? AND sscc = ? AND line = ? AND item = ? AND lot = ? AND serial = ?
                      AND EXISTS (SELECT 1 FROM shipment_units u WHERE u.plant_id = ?3 AND u.shipment = ?4 AND u.sscc = ?5
                                  AND u.received_plant = ?)
                    """, arguments: [
                        content.received.micro, content.damaged.micro, received.fromPlant, received.shipment, received.sscc.digits,
                        content.line, content.item, content.lot ?? "", content.serial ?? "", plant,
                    ])
            }
        }
        for discrepancy in shipping.discrepancies {
            let recorded = discrepancy.event
            try db.execute(sql: """
                INSERT INTO transfer_discrepancies (transfer, discrepancy, plant_id, sscc, kind, line, item, lot, serial, quantity, reason,
                                                    recorded_by, recorded_at, company, trading_partner)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE \(ofMine)
                ON CONFLICT DO NOTHING
                """, arguments: [
                    recorded.transfer, recorded.discrepancy, plant, recorded.sscc?.digits, recorded.kind.rawValue, recorded.line, recorded.item,
                    recorded.lot ?? "", recorded.serial ?? "", recorded.quantity.micro, recorded.reason, recorded.recordedBy,
                    Timestamp.format(discrepancy.at), recorded.company, recorded.tradingPartner, recorded.transfer, plant,
                ])
        }
        for closing in shipping.closings {
            let closed = closing.event
            try db.execute(sql: """
                UPDATE transfers SET closed_at = ?, closed_by = ?, units_received = ?, units_short = ?
                WHERE transfer = ? AND to_plant = ? AND closed_at IS NULL
                """, arguments: [Timestamp.format(closing.at), closed.closedBy, closed.unitsReceived, closed.unitsShort, closed.transfer, plant])
        }
    }

    /// The receiving end of a transfer.
    private struct TransferEnds: Decodable, FetchableRecord {
        var toPlant: String
        var toCompany: String
        enum CodingKeys: String, CodingKey { case toPlant = "to_plant", toCompany = "to_company" }
    }
}
