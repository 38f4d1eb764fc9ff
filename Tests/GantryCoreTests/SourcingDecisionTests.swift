import Foundation
@testable import GantryCore
import Testing

/// The sourcing rules the plant store asks: placing a purchase order, asking and deciding approval, keeping a
/// reorder rule and watching open lines. Every refusal code, with the status it answers with.
@Suite struct SourcingDecisionTests {
    static func master(_ kind: MasterKind, _ key: String, _ data: String, active: Bool = true) -> MasterRecord {
        MasterRecord(kind: kind, company: "ACME", key: key, active: active, plants: [], data: try! JSONValue.parse(data), version: 1,
                     updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "tests")
    }

    static let approved = SupplierMaster(master(.supplier, "S1", #"{"name":"S1","status":"approved","categories":["MOTORS"]}"#))
    static let blocked = SupplierMaster(master(.supplier, "S1", #"{"name":"S1","status":"blocked"}"#))

    static func order(_ number: String = "PO-1", lines: [PurchaseOrderLine]? = nil) -> PurchaseOrderPlaced {
        PurchaseOrderPlaced(order: number, supplier: "S1", lines: lines ?? [
            PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(10), tolerancePercent: .zero, due: nil),
        ])
    }

    // MARK: Purchase orders

    @Test func anOrderIsPricedFromTheSuppliersTerms() throws {
        let price = try Money(text: "0.120", currencyCode: "EUR")
        let placed = try PurchaseOrderPlacement.decide(Self.order(), snapshot: .init(
            supplierHeld: true, supplier: Self.approved, knownItems: ["BOLT"], prices: ["BOLT": price]))
        #expect(placed.lines[0].unitPrice == price && placed.lines[0].price == "0.120" && placed.lines[0].currency == "EUR")
        let unpriced = try PurchaseOrderPlacement.decide(Self.order(), snapshot: .init(
            supplierHeld: true, supplier: Self.approved, knownItems: ["BOLT"], prices: [:]))
        #expect(unpriced.lines[0].unitPrice == nil)
    }

    static func line(_ number: Int, _ quantity: Int64, _ tolerance: Int64) -> PurchaseOrderLine {
        PurchaseOrderLine(line: number, item: "BOLT", quantity: Quantity(quantity), tolerancePercent: Quantity(tolerance), due: nil)
    }

    /// What breaks the rule, the code, the field and words of the detail.
    @Test(arguments: [
        (order("PO 1"), true, approved, Set(["BOLT"]), SourcingRefusal.Code.invalid, "order", "order number"),
        (order(), false, nil, ["BOLT"], .invalid, "supplier", "no supplier S1"),
        (order(), true, nil, ["BOLT"], .invalid, "supplier", "approved list"),
        (order(), true, blocked, ["BOLT"], .invalid, "supplier", "approved list"),
        (order(lines: []), true, approved, ["BOLT"], .invalid, "lines", "distinct line numbers"),
        (order(lines: [line(1, 1, 0), line(1, 2, 0)]), true, approved, ["BOLT"], .invalid, "lines", "distinct line numbers"),
        (order(lines: [line(100_000, 1, 0)]), true, approved, ["BOLT"], .invalid, "lines", "distinct line numbers"),
        (order(), true, approved, [], .unknownItem, "lines", "no item BOLT"),
        (order(lines: [line(1, 0, 0)]), true, approved, ["BOLT"], .invalid, "lines", "quantity must be positive"),
        (order(lines: [line(1, 5, 1001)]), true, approved, ["BOLT"], .invalid, "lines", "tolerance 0 to 1000"),
    ] as [(PurchaseOrderPlaced, Bool, SupplierMaster?, Set<String>, SourcingRefusal.Code, String, String)])
    func anOrderThatBreaksTheRuleIsRefused(
        order: PurchaseOrderPlaced, held: Bool, supplier: SupplierMaster?, items: Set<String>, code: SourcingRefusal.Code, field: String, words: String
    ) {
        #expect { try PurchaseOrderPlacement.decide(order, snapshot: .init(supplierHeld: held, supplier: supplier, knownItems: items, prices: [:])) }
            throws: { error in
                guard let refusal = error as? SourcingRefusal else { return false }
                return refusal.code == code && refusal.field == field && refusal.detail.contains(words)
            }
    }

    @Test(arguments: [(SourcingRefusal.Code.invalid, 422), (.notFound, 404), (.unknownItem, 422), (.unknownUnit, 422)])
    func refusalsAnswerWithTheirStatus(code: SourcingRefusal.Code, status: Int) {
        let problem = SourcingRefusal(code, "why", field: "f").problem
        #expect(problem.status == status && problem.code == code.rawValue && problem.title == "Refused" && problem.field == "f")
    }

    // MARK: Approvals

    static let policy = ApprovalPolicy(master(
        .approvalPolicy, "EXP", #"{"subject":"expedite","currency":"EUR","plantLimit":"500","tiers":[{"upTo":"2000","role":"buyer"},{"role":"controller"}]}"#))!

    static func snapshot(supplier: String? = "S1", policies: [ApprovalPolicy] = [policy]) -> ApprovalRequest.Snapshot {
        ApprovalRequest.Snapshot(supplier: supplier, item: "BOLT", supplierCategories: [], policies: policies, company: "ACME", number: 7)
    }

    static func draft(amount: String = "250", line: Int? = 1, currency: String? = nil, reason: String = "line down", neededBy: String? = "2030-01-05") -> ApprovalDraft {
        ApprovalDraft(subject: .expedite, purchaseOrder: "PO-1", line: line, amount: amount, currency: currency, reason: reason, neededBy: neededBy)
    }

    @Test func aDraftBecomesARequestRoutedByThePolicy() throws {
        let small = try ApprovalRequest.decide(Self.draft(), by: "ann", role: .buyer, snapshot: Self.snapshot())
        #expect(small.approval == "APR-7" && small.route == .plant && small.tier == 0 && small.approvingRoles == [.buyer, .controller])
        #expect(small.currency == "EUR" && small.supplier == "S1" && small.item == "BOLT" && small.amount == "250")
        let large = try ApprovalRequest.decide(Self.draft(amount: "2500.50"), by: "ann", role: .buyer, snapshot: Self.snapshot())
        #expect(large.route == .hub && large.tier == 1 && large.approvingRoles == [.controller])
    }

    @Test(arguments: [
        (draft(reason: "  "), snapshot(), SourcingRefusal.Code.invalid, "reason"),
        (draft(amount: "0"), snapshot(), .invalid, "amount"),
        (draft(amount: "12,5"), snapshot(), .invalid, "amount"),
        (draft(amount: "1000000000000"), snapshot(), .invalid, "amount"),
        (draft(line: nil), snapshot(), .invalid, "line"),
        (draft(neededBy: "soon"), snapshot(), .invalid, "neededBy"),
        (draft(), snapshot(supplier: nil), .notFound, "no purchase order PO-1 line 1"),
        (draft(), snapshot(policies: []), .invalid, "no approval policy"),
        (draft(currency: "USD"), snapshot(), .invalid, "currency: policy EXP is in EUR, not USD"),
    ] as [(ApprovalDraft, ApprovalRequest.Snapshot, SourcingRefusal.Code, String)])
    func aDraftThatBreaksTheRuleIsRefused(draft: ApprovalDraft, snapshot: ApprovalRequest.Snapshot, code: SourcingRefusal.Code, words: String) {
        #expect { try ApprovalRequest.decide(draft, by: "ann", role: .buyer, snapshot: snapshot) } throws: { error in
            guard let refusal = error as? SourcingRefusal else { return false }
            return refusal.code == code && refusal.detail.hasPrefix(words) || refusal.detail.contains(words)
        }
    }

    static func held(route: ApprovalRoute = .plant, state: String = "pending") -> ApprovalRecord {
        var request = try! ApprovalRequest.decide(draft(), by: "ann", role: .buyer, snapshot: snapshot())
        request.route = route
        return ApprovalRecord(plant: "ACME-BER", request: request, state: state, requestedAt: Date(timeIntervalSince1970: 0), decision: nil)
    }

    @Test func aPermittedRoleDecidesAtThePlantAtTheGivenTime() throws {
        let at = Date(timeIntervalSince1970: 1_000)
        let decision = try ApprovalDecision.decide(.approved, comment: "ok", by: "bob", role: .controller, at: at, approval: "APR-7", held: Self.held())
        #expect(decision.decidedAt == at && decision.place == .plant && decision.decidedBy == "bob" && decision.verdict == .approved)
    }

    /// Every refusal of a decision: its code and the status it answers with.
    @Test(arguments: [
        ("bob", Role.controller, String(repeating: "x", count: 1001), true, ApprovalRoute.plant, "pending", "invalid", 422),
        ("bob", .controller, "", false, .plant, "pending", "not-found", 404),
        ("bob", .controller, "", true, .plant, "approved", "already-decided", 409),
        ("bob", .controller, "", true, .hub, "pending", "wrong-place", 409),
        ("ANN", .controller, "", true, .plant, "pending", "segregation-of-duties", 403),
        ("bob", .planner, "", true, .plant, "pending", "role-not-permitted", 403),
    ])
    func aDecisionThatBreaksTheRuleIsRefused(
        name: String, role: Role, comment: String, exists: Bool, route: ApprovalRoute, state: String, code: String, status: Int
    ) {
        #expect {
            try ApprovalDecision.decide(.approved, comment: comment, by: name, role: role, at: Date(), approval: "APR-7",
                                        held: exists ? Self.held(route: route, state: state) : nil)
        } throws: { error in
            guard let problem = (error as? any ProblemReporting)?.problem else { return false }
            return problem.code == code && problem.status == status
        }
    }

    // MARK: Reorder rules

    static let item = ItemMaster(master(.item, "BOLT", #"{"description":"Bolt","uom":"EA","tracking":"none","conversions":[{"uom":"BOX","factor":"100"}]}"#))!
    static let retired = ItemMaster(master(.item, "BOLT", #"{"description":"Bolt","uom":"EA","tracking":"none"}"#, active: false))!

    static func rule(minimum: Int64 = 10, maximum: Int64 = 50, multiple: Quantity = Quantity(5), supplier: String? = nil, lead: Int? = nil) -> ReorderRuleDefined {
        ReorderRuleDefined(item: "BOLT", minimum: Quantity(minimum), maximum: Quantity(maximum), multiple: multiple, supplier: supplier, leadTimeDays: lead)
    }

    @Test func aRuleIsKeptInBaseUnits() throws {
        let kept = try Reorder.check(Self.rule(minimum: 1, maximum: 2, multiple: Quantity(1)), uom: "BOX", item: Self.item, supplierHeld: true)
        #expect(kept.minimum == Quantity(100) && kept.maximum == Quantity(200) && kept.multiple == Quantity(100))
    }

    @Test(arguments: [
        (rule(), nil, ItemMaster?.none, true, SourcingRefusal.Code.unknownItem, "item"),
        (rule(), nil, retired, true, .unknownItem, "item"),
        (rule(), "KG", item, true, .unknownUnit, "uom"),
        (rule(minimum: -1), nil, item, true, .invalid, "minimum"),
        (rule(minimum: 60), nil, item, true, .invalid, "maximum"),
        (rule(multiple: .zero), nil, item, true, .invalid, "multiple"),
        (rule(lead: 4000), nil, item, true, .invalid, "leadTimeDays"),
        (rule(multiple: Quantity(text: "0.5")!), nil, item, true, .invalid, "multiple"),
        (rule(supplier: "S9"), nil, item, false, .invalid, "supplier"),
    ] as [(ReorderRuleDefined, String?, ItemMaster?, Bool, SourcingRefusal.Code, String)])
    func aRuleThatBreaksTheRuleIsRefused(
        rule: ReorderRuleDefined, uom: String?, item: ItemMaster?, supplierHeld: Bool, code: SourcingRefusal.Code, field: String
    ) {
        #expect { try Reorder.check(rule, uom: uom, item: item, supplierHeld: supplierHeld) } throws: { error in
            (error as? SourcingRefusal).map { $0.code == code && $0.field == field } ?? false
        }
    }

    // MARK: Open lines

    static let placed = Date(timeIntervalSince1970: 1_000_000)

    @Test(arguments: [
        ("2030-01-10", "2030-01-05", "2030-01-10", 0.0, PurchaseLineWatch.Kind?.some(.delay)),
        ("2030-01-03", "2030-01-05", "2030-01-05", 0.0, nil),
        ("2030-01-03", nil, "2030-01-02", 0.0, .some(.overdue)),
        (nil, nil, "2030-01-09", 100.0, .some(.unconfirmed)),
        (nil, nil, "2030-01-09", 10.0, nil),
        (nil, "2030-01-05", nil, 100.0, .some(.unconfirmed)),
    ] as [(String?, String?, String?, TimeInterval, PurchaseLineWatch.Kind?)])
    func anOpenLineRaisesTheFirstExceptionThatApplies(
        confirmed: String?, neededBy: String?, openDue: String?, sincePlaced: TimeInterval, kind: PurchaseLineWatch.Kind?
    ) {
        #expect(PurchaseLineWatch.kind(
            confirmed: confirmed, neededBy: neededBy, openDue: openDue, today: "2030-01-04", placedAt: Self.placed,
            now: Self.placed.addingTimeInterval(sincePlaced), unconfirmedAfter: 60) == kind)
    }

    @Test(arguments: [("2030-1-5", Quantity(1), "due is a date"), ("2030-13-40", Quantity(1), "due is a date"), ("2030-01-05", Quantity.zero, "positive")])
    func aCommitmentWithoutADateOrQuantityIsRefused(due: String, quantity: Quantity, words: String) {
        #expect { try PurchaseLineWatch.checkCommitment(due: due, quantity: quantity) } throws: {
            ($0 as? SourcingRefusal).map { $0.code == .invalid && $0.detail.contains(words) } ?? false
        }
        #expect(throws: Never.self) { try PurchaseLineWatch.checkCommitment(due: "2030-01-05", quantity: Quantity(1)) }
    }

    // MARK: Events

    @Test func aPurchaseOrderEventKeepsItsShapeAndReadsOlderPayloads() throws {
        // Plants before prices were recorded sent lines without `price` and `currency`.
        let old = try PurchaseOrderPlaced(payload: try JSONValue.parse(
            #"{"lines":[{"due":"2026-01-05","item":"BOLT","line":1,"quantity":"350","tolerancePercent":"0"}],"order":"PO-1","supplier":"S1"}"#))
        #expect(old.lines[0].unitPrice == nil && old.lines[0].price == nil && old.lines[0].quantity == Quantity(350))
        #expect(try old.payloadJSON() == #"{"lines":[{"due":"2026-01-05","item":"BOLT","line":1,"quantity":"350","tolerancePercent":"0"}],"order":"PO-1","supplier":"S1"}"#)

        let priced = #"{"lines":[{"currency":"EUR","item":"BOLT","line":1,"price":"0.120","quantity":"10","tolerancePercent":"5"}],"order":"PO-2","supplier":"S1"}"#
        let read = try PurchaseOrderPlaced(payload: try JSONValue.parse(priced))
        #expect(read.lines[0].unitPrice == (try Money(text: "0.12", currencyCode: "EUR")))
        #expect(try read.payloadJSON() == priced, "the price goes out as it came in")
        // A price that is not money reads as none, as the hub always left such prices out.
        let odd = try PurchaseOrderPlaced(payload: try JSONValue.parse(
            #"{"lines":[{"currency":"EUR","item":"BOLT","line":1,"price":"cheap","quantity":"10","tolerancePercent":"5"}],"order":"PO-3","supplier":"S1"}"#))
        #expect(odd.lines[0].unitPrice == nil)
    }
}
