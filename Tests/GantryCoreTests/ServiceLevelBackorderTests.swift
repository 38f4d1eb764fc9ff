import Foundation
import GantryCore
import Testing

/// What a customer order line still owes, as `ServiceLevel.evaluate` works it out.
@Suite struct ServiceLevelBackorderTests {
    static let ordered = Date(timeIntervalSince1970: 1_800_000_000)

    static func line(shipped: [(day: String, quantity: Int64)]) -> ServiceLevel.Line {
        ServiceLevel.Line(
            ordered: Quantity(10), requested: "2027-01-20", promised: nil, orderedAt: ordered,
            shipments: shipped.enumerated().map { index, shipment in
                ServiceLevel.Shipment(day: shipment.day, at: ordered.addingTimeInterval(Double(index + 1) * 86_400), quantity: Quantity(shipment.quantity))
            })
    }

    @Test(arguments: [
        // Shipments as DAY:QUANTITY.
        // 6 of 10 shipped: 4 owed, whether the window passed or not (a shipment left).
        (["2027-01-19:6"], "2027-01-19", Quantity(4)),
        (["2027-01-19:6"], "2027-02-01", Quantity(4)),
        // Nothing shipped: nothing owed before the window passes, all 10 after.
        ([], "2027-01-19", Quantity.zero),
        ([], "2027-01-21", Quantity(10)),
        // In full, or over: nothing owed.
        (["2027-01-19:6", "2027-01-22:4"], "2027-02-01", .zero),
        (["2027-01-19:12"], "2027-02-01", .zero),
    ])
    func aLineOwesWhatWasOrderedLessWhatShipped(shipped: [String], today: String, owed: Quantity) {
        let shipments = shipped.map { text in
            let parts = text.split(separator: ":")
            return (day: String(parts[0]), quantity: Int64(parts[1])!)
        }
        let result = ServiceLevel.evaluate(Self.line(shipped: shipments), policy: .init(), today: today)
        #expect(result.backorder == owed)
    }
}
