import Foundation
import GantryCore

/// What the alert webhook needs of the store: purchase lines that turned exceptional, alerts raised for them,
/// which are due for delivery, and each delivery attempt.
protocol AlertOutbox: Sendable {
    /// Open purchase lines overdue, or unconfirmed for longer than `unconfirmedAfter` seconds.
    func purchaseExceptions(unconfirmedAfter: TimeInterval) async throws -> [PurchaseLineException]
    /// Raises the alert for `exception`, once per condition.
    func raise(_ exception: PurchaseLineException) async throws
    /// Alerts not yet delivered whose next attempt is due at `date`.
    func alertsDue(at date: Date) async throws -> [(id: UUID, body: String, attempts: Int)]
    /// Logs one delivery attempt and, unless it was delivered, when to try again.
    func recordDelivery(_ id: UUID, url: String, status: Int?, error: String?, delivered: Bool, retryAt: Date) async throws
}

extension SQLitePlantStore: AlertOutbox {}
