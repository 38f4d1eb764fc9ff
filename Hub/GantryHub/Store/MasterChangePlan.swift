import Foundation
import GantryCore

/// What a commit of master drafts changes, decided the same way by every backend: drafts equal to the stored
/// record are left out, and a draft whose `expectedVersion` no longer holds refuses the whole commit.
enum MasterChangePlan {
    static func changed(_ drafts: [MasterDraft], stored: [MasterRecord?]) throws -> [(draft: MasterDraft, before: MasterRecord?)] {
        var changed: [(draft: MasterDraft, before: MasterRecord?)] = []
        for (draft, before) in zip(drafts, stored) {
            if let expected = draft.expectedVersion, expected != (before?.version ?? 0) {
                throw HubStoreError(
                    .versionConflict,
                    "\(draft.identity) is at version \(before?.version ?? 0), not \(expected): read it again and reapply the change")
            }
            if let before, before.active == draft.active, before.plants == draft.plants, before.data == draft.data { continue }
            changed.append((draft, before))
        }
        return changed
    }
}

/// The audit entry of a master change.
enum MasterAudit {
    static func draft(_ draft: MasterDraft, before: MasterRecord?, actor: String) -> AuditDraft {
        let after = MasterRecord(
            kind: draft.kind, company: draft.company, key: draft.key, active: draft.active, plants: draft.plants,
            data: draft.data, version: 0, updatedAt: .distantPast, updatedBy: actor)
        return AuditDraft(
            actor: actor, action: before == nil ? "master.created" : "master.changed", subject: draft.identity.description,
            company: draft.company, before: before?.auditText, after: after.auditText)
    }
}
