import Foundation
import GantryCore

extension ProductionRefusal {
    /// Runs a store intent, turning refusals into problem documents: production's (which also report themselves),
    /// inventory's, and a reused request id (`StoreError.idempotencyConflict`, answered 409 `idempotency-conflict`).
    ///
    /// Kept for routes that reach inventory's intents, whose refusals and reused ids do not all report themselves
    /// yet; a route whose errors all adopt `ProblemReporting` needs no wrapper.
    static func asProblem<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as ProductionRefusal {
            throw refusal.problem
        } catch let refusal as InventoryRefusal {
            throw refusal.problem
        } catch let error as StoreError where error.code == .idempotencyConflict {
            throw error.reusedIDProblem
        }
    }
}
