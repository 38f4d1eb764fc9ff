import Foundation
import GantryCore

/// Stock reserved for work orders (docs/inventory.md).
public protocol StockReservations: Sendable {
    /// Reserves every line for a work order, first expiring first, or nothing.
    func reserve(workOrder: String, lines: [ReservationLine], requestID: UUID) async throws -> ReservationAnswer
    /// Gives back a work order's reservations; returns how many there were.
    func releaseReservations(workOrder: String, reason: String) async throws -> Int
    /// Open reservations, optionally of one work order.
    func reservations(workOrder: String?) async throws -> [StockReserved.Reservation]
}
