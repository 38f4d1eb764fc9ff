import Foundation
import GantryCore

/// Locations and what is in stock where (docs/inventory.md).
public protocol StockLedger: Sendable {
    /// Defines or changes a location; a location holding stock is not retired.
    func defineLocation(_ location: LocationDefined) async throws
    /// Every location, by code.
    func locations() async throws -> [LocationDefined]
    /// Stock rows with what is reserved and available of each, optionally of one item, location or lot.
    func stock(item: String?, location: String?, lot: String?) async throws -> [StockRow]
    /// What went into a unit (`forward` false) or what it went into, every level.
    func genealogy(of unit: StockUnit, forward: Bool) async throws -> [GenealogyLink]
    /// The move ledger after a sequence, oldest first.
    func moves(item: String?, lot: String?, after: Int64, limit: Int) async throws -> [LedgerMove]
    /// Counts, newest first, with their accuracy.
    func counts(limit: Int) async throws -> [CountRecord]
}
