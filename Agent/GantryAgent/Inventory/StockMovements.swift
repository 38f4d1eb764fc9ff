import Foundation
import GantryCore

/// Stock changes: receipts, moves, issues, output, counts and lot status (docs/inventory.md).
public protocol StockMovements: Sendable {
    /// Receives against a purchase order line: right item, within tolerance, a serial not already in stock.
    func receive(_ intent: ReceiptIntent) async throws -> MoveAnswer
    /// Moves unreserved stock between locations.
    func move(_ intent: MoveIntent) async throws -> MoveAnswer
    /// Issues to a work order: never stock reserved for another, held, or (unless allowed) expired.
    func issue(_ intent: IssueIntent, allowExpired: Bool) async throws -> MoveAnswer
    /// Records a work order's output and its genealogy from what was issued to the order.
    func recordOutput(_ intent: OutputIntent) async throws -> MoveAnswer
    /// Counts a location, posting every variance as an adjustment.
    func count(_ intent: CountIntent) async throws -> CountAnswer
    /// Holds (quarantines) or releases a lot; a held lot loses its reservations.
    func setLotStatus(item: String, lot: String, status: LotStatusChanged.Status, reason: String) async throws
}
