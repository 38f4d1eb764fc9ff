import Foundation

/// The line-oriented input of keyboard-wedge and serial scanners: each line is either a command (printed as a
/// barcode on the workstation's sheet, starting with `#`) that sets what the following scans do, or a scan.
///
///     #RECEIVE PO-1001 1 RECV     receive the next scans against PO-1001 line 1 into RECV
///     #MOVE RECV A1               move the next scans from RECV to A1
///     #ISSUE WO-77 LINE           issue the next scans to work order WO-77 from LINE
///     #COUNT A1 [COMPLETE]        count A1: scans and quantities pile up until #END
///     #PACK SSCC A1               pack the next scans into logistic unit SSCC, taken from A1
///     #SHIP SO-1001 DHL JD0146    the next scans are SSCCs of units to ship for SO-1001 with DHL, tracking JD0146
///     #TRANSFER TR-7 RECV kim     the next scans are SSCCs of transfer TR-7 that kim receives into RECV
///     #QTY 12 [BOX]               the next scan is 12 (of BOX); without it a scan counts what its label says, or 1
///     #END                        post the count, or the shipment
///     #CANCEL                     forget the mode and anything pending
///
/// A pure state machine: lines in, actions out; the I/O layer posts requests and prints answers.
public struct ScannerSession: Sendable {
    public enum Mode: Sendable, Equatable {
        case idle
        case receive(order: String, line: Int, location: String)
        case move(from: String, to: String)
        case issue(workOrder: String, from: String)
        case count(location: String, complete: Bool)
        case pack(sscc: String, from: String)
        case ship(order: String, carrier: String, tracking: String)
        case transfer(transfer: String, location: String, by: String)
    }

    public enum Action: Sendable, Equatable {
        /// Post `body` (JSON) to the agent's `path`; print the answer.
        case post(path: String, body: String)
        /// Tell the operator.
        case say(String)
    }

    public private(set) var mode: Mode = .idle
    private var quantity: (value: Quantity, uom: String?)?
    private var countLines: [(scan: String, quantity: Quantity, uom: String?)] = []
    private var shipUnits: [String] = []

    private func quantityUnit(_ unit: [String: JSONValue]) -> String? {
        if case .string(let text)? = unit["uom"] { return text }
        return nil
    }

    public init() {}

    /// What to do with one line from the scanner.
    public mutating func take(_ raw: String, requestID: UUID = UUID()) -> Action {
        let line = raw.trimmingCharacters(in: .newlines)
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return .say("") }
        if line.hasPrefix("#") { return command(line.dropFirst().split(separator: " ").map(String.init), requestID: requestID) }
        var unit: [String: JSONValue] = ["scan": .string(line)]
        if let quantity {
            unit["quantity"] = .string(quantity.value.description)
            if let uom = quantity.uom { unit["uom"] = .string(uom) }
        }
        quantity = nil
        switch mode {
        case .idle:
            return .say("REFUSED no mode: scan a #RECEIVE, #MOVE, #ISSUE, #COUNT, #PACK, #SHIP or #TRANSFER command first")
        case .receive(let order, let orderLine, let location):
            unit.merge(["id": .string(requestID.uuidString), "order": .string(order), "line": .number(Double(orderLine)), "location": .string(location)]) { $1 }
            return .post(path: "/v1/receipts", body: JSONValue.object(unit).canonicalText)
        case .move(let from, let to):
            unit.merge(["id": .string(requestID.uuidString), "from": .string(from), "to": .string(to)]) { $1 }
            return .post(path: "/v1/moves", body: JSONValue.object(unit).canonicalText)
        case .issue(let workOrder, let from):
            unit.merge(["id": .string(requestID.uuidString), "workOrder": .string(workOrder), "from": .string(from)]) { $1 }
            return .post(path: "/v1/issues", body: JSONValue.object(unit).canonicalText)
        case .pack(let sscc, let from):
            unit.merge(["id": .string(requestID.uuidString), "from": .string(from)]) { $1 }
            let escaped = sscc.addingPercentEncoding(withAllowedCharacters: Self.segment) ?? sscc
            return .post(path: "/v1/logistic-units/\(escaped)/contents", body: JSONValue.object(unit).canonicalText)
        case .ship:
            guard !shipUnits.contains(line) else { return .say("REFUSED that unit is on this shipment already") }
            shipUnits.append(line)
            return .say("\(shipUnits.count) unit(s) on the shipment; #END ships them")
        case .transfer(let transfer, let location, let by):
            let escaped = transfer.addingPercentEncoding(withAllowedCharacters: Self.segment) ?? transfer
            let body: [String: JSONValue] = ["id": .string(requestID.uuidString), "scan": .string(line), "location": .string(location), "receivedBy": .string(by)]
            return .post(path: "/v1/inbound-transfers/\(escaped)/receipts", body: JSONValue.object(body).canonicalText)
        case .count:
            let counted = unit["quantity"].flatMap { if case .string(let text) = $0 { Quantity(text: text) } else { nil } } ?? Quantity(1)
            // The same label scanned again (identical cartons) adds to its line.
            if let index = countLines.firstIndex(where: { $0.scan == line && $0.uom == quantityUnit(unit) }) {
                countLines[index].quantity += counted
                return .say("counted \(countLines[index].quantity) of line \(index + 1); #END posts the count")
            }
            countLines.append((scan: line, quantity: counted, uom: quantityUnit(unit)))
            return .say("counted line \(countLines.count); #END posts the count")
        }
    }

    private mutating func command(_ words: [String], requestID: UUID) -> Action {
        guard let name = words.first?.uppercased() else { return .say("REFUSED empty command") }
        let arguments = Array(words.dropFirst())
        switch (name, arguments.count) {
        case ("RECEIVE", 3):
            guard let line = Int(arguments[1]), line > 0 else { return .say("REFUSED #RECEIVE ORDER LINE LOCATION: the line is a number") }
            return enter(.receive(order: arguments[0], line: line, location: arguments[2]),
                         "receiving against \(arguments[0])/\(line) into \(arguments[2])")
        case ("MOVE", 2):
            return enter(.move(from: arguments[0], to: arguments[1]), "moving from \(arguments[0]) to \(arguments[1])")
        case ("ISSUE", 2):
            return enter(.issue(workOrder: arguments[0], from: arguments[1]), "issuing to \(arguments[0]) from \(arguments[1])")
        case ("COUNT", 1), ("COUNT", 2):
            let complete = arguments.count == 2 && arguments[1].uppercased() == "COMPLETE"
            if arguments.count == 2 && !complete { return .say("REFUSED #COUNT LOCATION [COMPLETE]") }
            return enter(.count(location: arguments[0], complete: complete),
                         "counting \(arguments[0])\(complete ? " (all of it: what is not scanned counts as none)" : "")")
        case ("PACK", 2):
            return enter(.pack(sscc: arguments[0], from: arguments[1]), "packing into \(arguments[0]) from \(arguments[1])")
        case ("SHIP", 3):
            return enter(.ship(order: arguments[0], carrier: arguments[1], tracking: arguments[2]),
                         "shipping \(arguments[0]) with \(arguments[1]) (\(arguments[2])): scan the units, then #END")
        case ("TRANSFER", 3):
            return enter(.transfer(transfer: arguments[0], location: arguments[1], by: arguments[2]),
                         "receiving transfer \(arguments[0]) into \(arguments[1])")
        case ("QTY", 1), ("QTY", 2):
            guard let value = Quantity(text: arguments[0]), value >= .zero else { return .say("REFUSED #QTY takes a number, e.g. #QTY 12") }
            quantity = (value, arguments.count == 2 ? arguments[1] : nil)
            return .say("next scan: \(value)\(arguments.count == 2 ? " \(arguments[1])" : "")")
        case ("END", 0):
            if case .ship(let order, let carrier, let tracking) = mode {
                guard !shipUnits.isEmpty else { return .say("REFUSED no unit scanned for the shipment") }
                let body = JSONValue.object([
                    "id": .string(requestID.uuidString), "order": .string(order), "carrier": .string(carrier), "trackingReference": .string(tracking),
                    "units": .array(shipUnits.map(JSONValue.string)),
                ]).canonicalText
                shipUnits = []
                mode = .idle
                return .post(path: "/v1/shipments", body: body)
            }
            guard case .count(let location, let complete) = mode else { return .say("REFUSED #END closes a count or a shipment; none is open") }
            let lines = countLines.map { line -> JSONValue in
                var members: [String: JSONValue] = ["scan": .string(line.scan), "quantity": .string(line.quantity.description)]
                if let uom = line.uom { members["uom"] = .string(uom) }
                return .object(members)
            }
            let body = JSONValue.object([
                "id": .string(requestID.uuidString), "location": .string(location), "complete": .bool(complete), "lines": .array(lines),
            ]).canonicalText
            countLines = []
            mode = .idle
            return .post(path: "/v1/counts", body: body)
        case ("CANCEL", 0):
            let dropped = countLines.count, units = shipUnits.count
            mode = .idle
            quantity = nil
            countLines = []
            shipUnits = []
            return .say("cancelled" + (dropped > 0 ? "; \(dropped) counted line(s) dropped" : "") + (units > 0 ? "; \(units) unit(s) not shipped" : ""))
        default:
            return .say("REFUSED unknown command #\(words.joined(separator: " ")) (#RECEIVE, #MOVE, #ISSUE, #COUNT, #PACK, #SHIP, #TRANSFER, #QTY, #END, #CANCEL)")
        }
    }

    private mutating func enter(_ next: Mode, _ description: String) -> Action {
        if case .count = mode, !countLines.isEmpty {
            return .say("REFUSED a count of \(countLines.count) line(s) is open: #END it or #CANCEL it first")
        }
        if case .ship = mode, !shipUnits.isEmpty {
            return .say("REFUSED a shipment of \(shipUnits.count) unit(s) is open: #END it or #CANCEL it first")
        }
        mode = next
        quantity = nil
        return .say(description)
    }

    /// What may stand unescaped in one path segment.
    private static let segment = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))

    /// Lines counted but not posted yet.
    public var pendingCountLines: Int { countLines.count }
}
