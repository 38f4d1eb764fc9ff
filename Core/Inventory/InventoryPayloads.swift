import Foundation

// Inventory events are written in bulk (a count of thousands of lines, a reservation of a whole work order), so
// their payloads are built as JSON values and written as canonical text: byte for byte what the wire-format
// encoder writes (sorted keys, absent optionals left out), without its per-field cost. Tests hold the two equal.

extension StockMoved {
    public func payloadJSON() throws -> String {
        var members: [String: JSONValue] = [
            "moveId": .string(moveId.uuidString), "kind": .string(kind.rawValue), "item": .string(item),
            "quantity": .string(quantity.description), "uom": .string(uom),
        ]
        members.put("lot", lot)
        members.put("serial", serial)
        members.put("expiry", expiry)
        members.put("from", from)
        members.put("to", to)
        members.put("scan", scan)
        members.put("reason", reason)
        if let reference { members["reference"] = .object(["kind": .string(reference.kind.rawValue), "id": .string(reference.id)]) }
        return JSONValue.object(members).canonicalText
    }
}

extension StockReserved {
    public func payloadJSON() throws -> String {
        JSONValue.object([
            "workOrder": .string(workOrder),
            "reservations": .array(reservations.map { reservation in
                var members: [String: JSONValue] = [
                    "reservationId": .string(reservation.reservationId.uuidString), "item": .string(reservation.item),
                    "location": .string(reservation.location), "quantity": .string(reservation.quantity.description),
                ]
                members.put("lot", reservation.lot)
                members.put("serial", reservation.serial)
                return .object(members)
            }),
        ]).canonicalText
    }
}

extension StockCounted {
    public func payloadJSON() throws -> String {
        JSONValue.object([
            "countId": .string(countId.uuidString), "location": .string(location), "exactLines": .number(Double(exactLines)),
            "lines": .array(lines.map { line in
                var members: [String: JSONValue] = [
                    "item": .string(line.item), "expected": .string(line.expected.description), "counted": .string(line.counted.description),
                ]
                members.put("lot", line.lot)
                members.put("serial", line.serial)
                return .object(members)
            }),
        ]).canonicalText
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets `key` to the text, or leaves it out when there is none (as the encoder does for an absent optional).
    mutating func put(_ key: String, _ text: String?) {
        if let text { self[key] = .string(text) }
    }
}
