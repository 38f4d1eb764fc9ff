import Foundation
import GantryCore
import PostgresNIO

/// The shipping facts of a batch on PostgreSQL (see `EventApplier+Shipping` for what each does).
extension PostgresHubStore {
    static func write(
        _ shipping: EventProjection.ShippingFacts, plant: String, receivedAt: Date, into connection: PostgresConnection, logger: Logger
    ) async throws {
        let company = PlantIdentity.company(of: plant)
        for answer in shipping.answers {
            try await connection.query("""
                UPDATE plant_instructions SET answer = \(answer.payload)::jsonb, answered_at = \(answer.at)
                WHERE plant_id = \(plant) AND seq = \(answer.instruction) AND kind = \(answer.kind.rawValue) AND reference = \(answer.reference)
                """, logger: logger)
            for line in answer.lines {
                if answer.kind == .customerOrder {
                    try await connection.query("""
                        UPDATE customer_order_lines SET accepted = \(line.accepted), answered_promised = \(line.promised),
                            answer_reason = \(line.reason)
                        WHERE company = \(company) AND order_ref = \(answer.reference) AND line = \(Int32(line.line))
                          AND EXISTS (SELECT 1 FROM customer_orders o
                                      WHERE o.company = \(company) AND o.order_ref = \(answer.reference) AND o.plant_id = \(plant))
                        """, logger: logger)
                } else {
                    try await connection.query("""
                        UPDATE transfer_lines SET accepted = \(line.accepted), answered_promised = \(line.promised), answer_reason = \(line.reason)
                        WHERE transfer = \(answer.reference) AND line = \(Int32(line.line))
                          AND EXISTS (SELECT 1 FROM transfers t WHERE t.transfer = \(answer.reference) AND t.from_plant = \(plant))
                        """, logger: logger)
                }
            }
        }
        // The receiving plants of the batch's transfers, whose instruction numbers it takes, locked at once in plant order.
        let transfers = shipping.dispatches.filter { $0.event.kind == .transfer }.map(\.event.order)
        if !transfers.isEmpty {
            var receivers: [String] = []
            for try await receiver in try await connection.query(
                "SELECT to_plant FROM transfers WHERE transfer = ANY(\(transfers)) AND from_plant = \(plant)", logger: logger
            ).decode(String.self) {
                receivers.append(receiver)
            }
            try await lockInstructionNumbers(of: receivers, connection, logger: logger)
        }
        for dispatch in shipping.dispatches {
            try await write(dispatch, plant: plant, receivedAt: receivedAt, into: connection, logger: logger)
        }
        try await writeReceipts(shipping, plant: plant, into: connection, logger: logger)
        let lots = shipping.receivedLots
        if !lots.isEmpty {
            try await connection.query("""
                INSERT INTO received_lots (plant_id, seq, item, lot, purchase_order, line, quantity, received_at)
                SELECT \(plant), * FROM unnest(\(lots.map(\.sequence)), \(lots.map(\.item)), \(lots.map(\.lot)), \(lots.map(\.order)),
                                               \(lots.map { Int32($0.line) }), \(lots.map(\.quantity)), \(lots.map(\.at)))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    private static func write(
        _ dispatch: EventProjection.ShippingFacts.Dispatch, plant: String, receivedAt: Date, into connection: PostgresConnection, logger: Logger
    ) async throws {
        let shipped = dispatch.event
        let inserted = try await count(connection.query("""
            INSERT INTO shipments (plant_id, shipment, seq, kind, order_ref, customer, to_plant, company, trading_partner, carrier, tracking,
                                   dispatched_at)
            VALUES (\(plant), \(shipped.shipment), \(dispatch.sequence), \(shipped.kind.rawValue), \(shipped.order), \(shipped.customer),
                    \(shipped.toPlant), \(shipped.company), \(shipped.tradingPartner), \(shipped.carrier), \(shipped.trackingReference),
                    \(dispatch.at))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger))
        guard inserted == 1 else { return }  // A plant's shipment ids are its own and unique: a repeat adds nothing.
        let lines = shipped.lines
        try await connection.query("""
            INSERT INTO shipment_lines (plant_id, shipment, line, item, quantity, price, currency)
            SELECT \(plant), \(shipped.shipment), line, item, quantity, NULLIF(price, ''), NULLIF(currency, '')
            FROM unnest(\(lines.map { Int32($0.line) }), \(lines.map(\.item)), \(lines.map(\.quantity.micro)),
                        \(lines.map { $0.price?.amountText ?? "" }), \(lines.map { $0.price?.currency.code ?? "" }))
                AS u(line, item, quantity, price, currency)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // Every unit and every content of the shipment in two statements, however many pallets left.
        let units = shipped.units
        try await connection.query("""
            INSERT INTO shipment_units (plant_id, shipment, sscc, kind, order_ref, company, trading_partner)
            SELECT \(plant), \(shipped.shipment), sscc, \(shipped.kind.rawValue), \(shipped.order), \(shipped.company),
                   \(shipped.tradingPartner)
            FROM unnest(\(units.map(\.sscc.digits))) AS u(sscc)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        let contents = units.flatMap { unit in unit.contents.enumerated().map { (sscc: unit.sscc.digits, number: Int32($0.offset + 1), content: $0.element) } }
        try await connection.query("""
            INSERT INTO shipment_contents (plant_id, shipment, sscc, content_no, line, item, lot, serial, expiry, quantity)
            SELECT \(plant), \(shipped.shipment), sscc, content_no, line, item, lot, serial, NULLIF(expiry, ''), quantity
            FROM unnest(\(contents.map(\.sscc)), \(contents.map(\.number)), \(contents.map { Int32($0.content.line) }),
                        \(contents.map(\.content.item)), \(contents.map { $0.content.lot ?? "" }), \(contents.map { $0.content.serial ?? "" }),
                        \(contents.map { $0.content.expiry ?? "" }), \(contents.map(\.content.quantity.micro)))
                AS u(sscc, content_no, line, item, lot, serial, expiry, quantity)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        guard shipped.kind == .transfer else { return }
        var receiver: (plant: String, company: String)?
        for try await (toPlant, toCompany) in try await connection.query(
            "SELECT to_plant, to_company FROM transfers WHERE transfer = \(shipped.order) AND from_plant = \(plant)", logger: logger
        ).decode((String, String).self) {
            receiver = (toPlant, toCompany)
        }
        guard let receiver else { return }
        let (reference, body) = try EventProjection.ShippingFacts.inbound(dispatch, from: plant, toCompany: receiver.company)
        // Numbers per plant are handed out one at a time: the receiving plant's lock was taken with the batch's others.
        try await connection.query("""
            INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by)
            SELECT \(receiver.plant), coalesce(max(seq), 0) + 1, \(PlantInstruction.Kind.inboundShipment.rawValue), \(reference),
                   \(body.canonicalText)::jsonb, \(receivedAt), \("plant:\(plant)")
            FROM plant_instructions WHERE plant_id = \(receiver.plant)
            ON CONFLICT (plant_id, kind, reference) DO NOTHING
            """, logger: logger)
    }

    private static func writeReceipts(
        _ shipping: EventProjection.ShippingFacts, plant: String, into connection: PostgresConnection, logger: Logger
    ) async throws {
        // Only the transfer's receiving plant receives its units, discrepancies and closing.
        for receipt in shipping.receipts {
            let received = receipt.event
            try await connection.query("""
                UPDATE shipment_units SET received_at = \(receipt.at), received_by = \(received.receivedBy), received_plant = \(plant)
                WHERE plant_id = \(received.fromPlant) AND shipment = \(received.shipment) AND sscc = \(received.sscc.digits)
                  AND kind = 'transfer' AND order_ref = \(received.transfer) AND received_at IS NULL
                  AND EXISTS (SELECT 1 FROM transfers t WHERE t.transfer = \(received.transfer) AND t.to_plant = \(plant))
                """, logger: logger)
            for content in received.contents {
                try await connection.query("""
                    UPDATE shipment_contents c SET received = \(content.received.micro), damaged = \(content.damaged.micro)
                    WHERE c.plant_id = \(received.fromPlant) AND c.shipment = \(received.shipment) AND c.sscc = \(received.sscc.digits)
                      AND c.line = \(Int32(content.line)) AND c.item = \(content.item) AND c.lot = \(content.lot ?? "")
                      AND c.serial = \(content.serial ?? "")
                      AND EXISTS (SELECT 1 FROM shipment_units u WHERE u.plant_id = c.plant_id AND u.shipment = c.shipment
                                  AND u.sscc = c.sscc AND u.received_plant = \(plant))
                    """, logger: logger)
            }
        }
        for discrepancy in shipping.discrepancies {
            let recorded = discrepancy.event
            try await connection.query("""
                INSERT INTO transfer_discrepancies (transfer, discrepancy, plant_id, sscc, kind, line, item, lot, serial, quantity, reason,
                                                    recorded_by, recorded_at, company, trading_partner)
                SELECT \(recorded.transfer), \(recorded.discrepancy), \(plant), \(recorded.sscc?.digits), \(recorded.kind.rawValue),
                       \(Int32(recorded.line)), \(recorded.item), \(recorded.lot ?? ""), \(recorded.serial ?? ""), \(recorded.quantity.micro),
                       \(recorded.reason), \(recorded.recordedBy), \(discrepancy.at), \(recorded.company), \(recorded.tradingPartner)
                WHERE EXISTS (SELECT 1 FROM transfers t WHERE t.transfer = \(recorded.transfer) AND t.to_plant = \(plant))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        for closing in shipping.closings {
            let closed = closing.event
            try await connection.query("""
                UPDATE transfers SET closed_at = \(closing.at), closed_by = \(closed.closedBy), units_received = \(Int64(closed.unitsReceived)),
                    units_short = \(Int64(closed.unitsShort))
                WHERE transfer = \(closed.transfer) AND to_plant = \(plant) AND closed_at IS NULL
                """, logger: logger)
        }
    }
}
