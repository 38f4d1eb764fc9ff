import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Instructions to plants and requests for approval: the same contract on SQLite and on PostgreSQL.
@Suite struct HubInstructionContractTests {
    static func envelope(_ sequence: Int64, _ event: some PlantEvent) throws -> EventEnvelope {
        EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: event).eventType, schemaVersion: type(of: event).schemaVersion,
            occurredAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(sequence)), recordedAt: Date(timeIntervalSince1970: 1_800_000_000),
            payload: try JSONValue.parse(try event.payloadJSON()))
    }

    static func request(_ id: String, route: ApprovalRoute, by requester: String = "alice") -> ApprovalRequested {
        ApprovalRequested(
            approval: id, subject: .expedite, purchaseOrder: "PO-1", line: 1, supplier: "S1", item: "MOTOR", amount: "1200", currency: "EUR",
            policy: "EXPEDITE", tier: 0, approvingRoles: [.buyer, .controller], route: route, requestedBy: requester, requesterRole: .buyer,
            reason: "line stops", neededBy: "2030-03-15")
    }

    static func demand(_ reference: String, quantity: Int64 = 5) throws -> JSONValue {
        try JSONValue.encoding(DemandInstruction(reference: reference, item: "ASSY", quantity: Quantity(quantity), due: "2030-05-01"))
    }

    @Test(arguments: HubBackend.allCases) func instructionsAreNumberedPerPlantAndAnsweredByThePlantsEvents(backend: HubBackend) async throws {
        try await backend.withStore { store in
            for code in ["BER", "HAM"] {
                _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: code), timeZone: "UTC", tokenHash: code, audit: .test)
            }
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            func issue(_ plant: String, _ reference: String, quantity: Int64 = 5) async throws -> (instruction: PlantInstruction, created: Bool) {
                try await store.issueInstruction(InstructionDraft(
                    plant: plant, kind: .demand, reference: reference, body: try Self.demand(reference, quantity: quantity), issuedAt: at,
                    issuedBy: "user:pat"), audit: .test)
            }
            #expect(try await issue("ACME-BER", "SO-1").instruction.sequence == 1)
            #expect(try await issue("ACME-BER", "SO-2").instruction.sequence == 2)
            #expect(try await issue("ACME-HAM", "SO-1").instruction.sequence == 1, "numbers are per plant")
            let again = try await issue("ACME-BER", "SO-1", quantity: 9)
            let first = try Self.demand("SO-1")
            #expect(!again.created && again.instruction.sequence == 1 && again.instruction.body == first,
                    "the same reference answers what was handed, unchanged")
            #expect(try await store.instructions(plantID: "ACME-BER", kind: nil, after: 1, limit: 10).map(\.reference) == ["SO-2"])
            #expect(try await store.latestInstruction(plantID: "ACME-BER") == 2)
            #expect(try await store.latestInstruction(plantID: "ACME-XYZ") == 0)

            let answered = DemandAnswered(reference: "SO-2", instruction: 2, accepted: true, workOrder: "HUB-2", plannedFinish: at, reason: nil)
            // An answer naming instruction 1 with another reference (numbers a restored hub handed out again) is not its answer.
            let stray = DemandAnswered(reference: "SO-9", instruction: 1, accepted: true, workOrder: "HUB-1", plannedFinish: at, reason: nil)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                try Self.envelope(1, answered), try Self.envelope(2, stray),
            ]), receivedAt: at)
            let listed = try await store.instructions(plantID: "ACME-BER", kind: .demand, after: 0, limit: 10)
            #expect(listed.map { $0.answer == nil } == [true, false])
            #expect(try listed.last?.answer.map { try DemandAnswered(payload: $0) } == answered)
            let audit = try await store.auditEntries(after: 0, limit: 100, scope: .all)
            #expect(audit.filter { $0.action == "test" }.count == 2 + 3, "two enrolments and three new instructions, not the repeat")
        }
    }

    @Test(arguments: HubBackend.allCases) func aRequestIsDecidedOnceWithItsInstructionAndAudit(backend: HubBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "b", audit: .test)
            _ = try await store.enrolPlant(try PlantIdentity(company: "OTHER", code: "OSL"), timeZone: "UTC", tokenHash: "o", audit: .test)
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 4, events: [
                try Self.envelope(1, Self.request("APR-1", route: .hub)), try Self.envelope(2, Self.request("APR-2", route: .plant)),
                try Self.envelope(3, Self.request("APR-3", route: .hub)), try Self.envelope(4, Self.request("APR-4", route: .plant)),
            ]), receivedAt: at)
            _ = try await store.applyBatch(SyncBatch(plant: "OTHER-OSL", agentHead: 1, events: [
                try Self.envelope(1, Self.request("APR-1", route: .hub)),
            ]), receivedAt: at)
            #expect(try await store.approvals(plantID: nil, state: "pending", scope: .all).count == 5)
            let acme = try await store.approvals(plantID: nil, state: nil, scope: .only(["ACME"]))
            #expect(Set(acme.map(\.plant)) == ["ACME-BER"] && acme.count == 4, "another company's requests stay out of sight")

            let decision = ApprovalDecisionInstruction(approval: "APR-1", verdict: .approved, decidedBy: "carol", role: .controller, decidedAt: at, comment: "ok")
            let check: @Sendable (ApprovalRequested, String) throws -> Void = { request, state in
                if let refusal = ApprovalRefusal.check(decider: "carol", role: .controller, at: .hub, request: request, state: state) { throw refusal }
            }
            let instruction = try await store.decideApproval(plantID: "ACME-BER", approval: "APR-1", decision: decision, check: check, audit: .test)
            #expect(instruction.kind == .approvalDecision && instruction.sequence == 1 && instruction.reference == "APR-1")
            #expect(try instruction.decode(ApprovalDecisionInstruction.self) == decision)
            await #expect(throws: ApprovalRefusal.self, "decided once") {
                try await store.decideApproval(plantID: "ACME-BER", approval: "APR-1", decision: decision, check: check, audit: .test)
            }
            await #expect(throws: ApprovalRefusal.self, "a request within the plant's limit is the plant's") {
                try await store.decideApproval(plantID: "ACME-BER", approval: "APR-2", decision: decision, check: check, audit: .test)
            }
            let held = try await store.approvals(plantID: "ACME-BER", state: nil, scope: .all)
            #expect(held.first { $0.request.approval == "APR-1" }?.state == "approved")
            #expect(held.first { $0.request.approval == "APR-1" }?.decision?.decidedBy == "carol")
            #expect(try await store.instructions(plantID: "ACME-BER", kind: nil, after: 0, limit: 10).count == 1, "refusals hand out nothing")

            // The plant decides APR-2 itself and confirms APR-1: its events settle the first, leave the second as decided.
            let plantDecision = ApprovalDecided(approval: "APR-2", verdict: .rejected, decidedBy: "bob", role: .buyer, place: .plant, decidedAt: at, comment: nil)
            let confirmation = ApprovalDecided(approval: "APR-1", verdict: .rejected, decidedBy: "x", role: .buyer, place: .hub, decidedAt: at, comment: nil)
            // Decisions a plant was not entitled to settle nothing: one above its limit, one claiming to be the hub's,
            // one by the requester, one by a role the policy does not name.
            let aboveLimit = ApprovalDecided(approval: "APR-3", verdict: .approved, decidedBy: "bob", role: .buyer, place: .plant, decidedAt: at, comment: nil)
            let claimingHub = ApprovalDecided(approval: "APR-3", verdict: .approved, decidedBy: "bob", role: .controller, place: .hub, decidedAt: at, comment: nil)
            let ownRequest = ApprovalDecided(approval: "APR-4", verdict: .approved, decidedBy: "Alice", role: .buyer, place: .plant, decidedAt: at, comment: nil)
            let wrongRole = ApprovalDecided(approval: "APR-4", verdict: .approved, decidedBy: "olga", role: .planner, place: .plant, decidedAt: at, comment: nil)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 10, events: [
                try Self.envelope(5, plantDecision), try Self.envelope(6, confirmation), try Self.envelope(7, aboveLimit),
                try Self.envelope(8, ownRequest), try Self.envelope(9, wrongRole), try Self.envelope(10, claimingHub),
            ]), receivedAt: at)
            let settled = try await store.approvals(plantID: "ACME-BER", state: nil, scope: .all)
            #expect(settled.first { $0.request.approval == "APR-2" }?.state == "rejected")
            #expect(settled.first { $0.request.approval == "APR-1" }?.state == "approved", "a decided request stays as decided")
            #expect(settled.filter { ["APR-3", "APR-4"].contains($0.request.approval) }.map(\.state) == ["pending", "pending"])
        }
    }
}
