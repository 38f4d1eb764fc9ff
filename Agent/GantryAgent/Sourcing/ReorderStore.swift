import Foundation
import GantryCore

/// Reorder rules and the orders they propose (docs/sourcing.md).
public protocol ReorderStore: Sendable {

    /// Sets an item's reorder rule, quantities given in `uom` (nil: the item's base unit); returns it in base units.
    func defineReorderRule(_ rule: ReorderRuleDefined, uom: String?) async throws -> ReorderRuleDefined
    func deleteReorderRule(item: String) async throws
    func reorderRules() async throws -> [ReorderRuleDefined]
    /// The orders the rules propose now, with their arithmetic, and the rules no supplier can serve.
    func reorderProposals() async throws -> ReorderEvaluation
    /// Places the proposed orders as purchase orders; a repeated run places nothing new.
    func runReorder() async throws -> ReorderRun
}
