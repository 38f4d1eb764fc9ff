import Foundation
import GantryCore

/// Approval requests and the hub's instructions (docs/approvals.md).
public protocol ApprovalStore: Sendable {

    func requestApproval(_ draft: ApprovalDraft, by user: PlantUser) async throws -> ApprovalRecord
    /// Decides a request within the plant's limit; throws `ApprovalRefusal` for the wrong person or place.
    func decideApproval(_ id: String, verdict: ApprovalVerdict, comment: String?, by user: PlantUser) async throws -> ApprovalRecord
    func approvals(state: String?) async throws -> [ApprovalRecord]
    func approval(_ id: String) async throws -> ApprovalRecord
    /// The newest of the hub's instructions applied.
    func instructionsApplied() async throws -> Int64
    /// Applies instructions after the newest applied, with their answering events, in one transaction.
    func applyInstructions(_ instructions: [PlantInstruction], defaults: DemandDefaults) async throws
}
