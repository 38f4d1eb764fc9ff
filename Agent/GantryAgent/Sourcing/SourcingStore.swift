import Foundation
import GantryCore

/// Supplier commitments, purchase exceptions, alerts and returns (docs/sourcing.md).
public protocol SourcingStore: Sendable {

    func recordCommitment(order: String, line: Int, due: String, quantity: Quantity) async throws -> PurchaseLineException?
    func purchaseExceptions(unconfirmedAfter: TimeInterval) async throws -> [PurchaseLineException]
    func alerts() async throws -> [AlertRecord]
    /// Returns stock to its supplier (after a failed incoming inspection): it leaves the plant's stock.
    func returnToSupplier(_ intent: IssueIntent, reason: String) async throws -> MoveAnswer
}
