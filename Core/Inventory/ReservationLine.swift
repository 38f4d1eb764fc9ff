import Foundation

/// Reserve stock for a work order: every line or none.
public struct ReservationLine: Sendable, Equatable, Codable {
    public var item: String
    public var quantity: Quantity
    public var location: String?
    public var lot: String?

    public init(item: String, quantity: Quantity, location: String? = nil, lot: String? = nil) {
        self.item = item
        self.quantity = quantity
        self.location = location
        self.lot = lot
    }
}
