import Foundation
@testable import GantryCore
import Testing

/// Which policy governs a request, which tier an amount falls in, who may decide it and where.
@Suite struct ApprovalPolicyTests {
    static func policy(_ key: String, company: String? = "ACME", category: String? = nil, limit: String? = "500",
                       tiers: String = #"[{"upTo":"2000","role":"buyer"},{"upTo":"10000","role":"planner"},{"role":"controller"}]"#) throws -> ApprovalPolicy {
        var data = #"{"subject":"expedite","currency":"EUR","tiers":\#(tiers)"#
        if let category { data += #","category":"\#(category)""# }
        if let limit { data += #","plantLimit":"\#(limit)""# }
        let record = MasterRecord(
            kind: .approvalPolicy, company: company, key: key, active: true, plants: [], data: try JSONValue.parse(data + "}"),
            version: 1, updatedAt: Date(), updatedBy: "tests")
        return try #require(ApprovalPolicy(record))
    }

    @Test func anAmountFallsInTheFirstTierItDoesNotExceedAndHigherTiersMayApproveIt() throws {
        let policy = try Self.policy("EXP")
        #expect(policy.tier(for: 1) == 0 && policy.tier(for: 2000) == 0 && policy.tier(for: Decimal(string: "2000.01")!) == 1)
        #expect(policy.tier(for: 10_000) == 1 && policy.tier(for: 1_000_000) == 2)
        #expect(policy.approvingRoles(tier: 0) == [.buyer, .planner, .controller])
        #expect(policy.approvingRoles(tier: 2) == [.controller])
        #expect(policy.decidedAtPlant(500) && !policy.decidedAtPlant(Decimal(string: "500.01")!))
        #expect(!(try Self.policy("NOLIMIT", limit: nil)).decidedAtPlant(1), "without a plant limit the hub decides everything")
    }

    @Test func theSuppliersCategoryAndTheCompanysOwnPolicyWin() throws {
        let shared = try Self.policy("A-SHARED", company: nil)
        let general = try Self.policy("B-GENERAL")
        let motors = try Self.policy("C-MOTORS", category: "MOTORS")
        let all = [shared, general, motors]
        #expect(ApprovalPolicy.governing(all, subject: .expedite, company: "ACME", supplierCategories: ["MOTORS"])?.key == "C-MOTORS")
        #expect(ApprovalPolicy.governing(all, subject: .expedite, company: "ACME", supplierCategories: ["CASTINGS"])?.key == "B-GENERAL")
        #expect(ApprovalPolicy.governing(all, subject: .expedite, company: "OTHER", supplierCategories: [])?.key == "A-SHARED")
        #expect(ApprovalPolicy.governing(all, subject: .exceptionalBuy, company: "ACME", supplierCategories: []) == nil)
    }

    @Test func theRequesterTheWrongRoleTheWrongPlaceAndASecondDecisionAreRefused() {
        let request = ApprovalRequested(
            approval: "APR-1", subject: .expedite, purchaseOrder: "PO-1", line: 1, supplier: "S1", item: "MOTOR", amount: "300",
            currency: "EUR", policy: "EXP", tier: 0, approvingRoles: [.buyer, .controller], route: .plant, requestedBy: "Alice",
            requesterRole: .buyer, reason: "late", neededBy: "2030-01-01")
        func check(_ name: String, _ role: Role, _ place: ApprovalRoute = .plant, _ state: String = "pending") -> ApprovalRefusal.Reason? {
            ApprovalRefusal.check(decider: name, role: role, at: place, request: request, state: state)?.reason
        }
        #expect(check("bob", .buyer) == nil && check("carol", .controller) == nil)
        #expect(check("alice", .controller) == .requester, "names compare without case")
        #expect(check("olga", .planner) == .role)
        #expect(check("bob", .buyer, .hub) == .route)
        #expect(check("bob", .buyer, .plant, "approved") == .decided)
    }

    @Test func demandIsCheckedFieldByField() {
        let good = DemandInstruction(reference: "SO-1.2", item: "ASSY", quantity: Quantity(4), due: "2030-05-01")
        #expect(good.problems.isEmpty)
        let bad = DemandInstruction(reference: "SO 1", item: "", quantity: Quantity(0), due: "2030-13-01")
        #expect(bad.problems.map(\.field) == ["reference", "item", "quantity", "due"])
    }
}
