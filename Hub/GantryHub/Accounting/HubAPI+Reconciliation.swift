import Foundation
import GantryCore
import Hummingbird

extension HubAPI {
    /// `GET /v1/ledger/reconciliation?company=&at=PERIOD`: the stock's value against the inventory accounts.
    func inventoryReconciliation(_ query: Parameters, scope: CompanyScope) async throws -> InventoryReconciliation {
        try await store.inventoryReconciliation(company: try ledgerCompany(query, scope: scope), at: try periodCode(query, "at"))
    }
}
