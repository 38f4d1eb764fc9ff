import Foundation
import GantryCore
import Testing

@Suite struct ReorderArithmeticTests {
    static func rule(min: Int64, max: Int64, multiple: String = "1", supplier: String? = nil, leadTimeDays: Int? = nil) -> ReorderRuleDefined {
        ReorderRuleDefined(item: "BOLT", minimum: Quantity(min), maximum: Quantity(max), multiple: Quantity(text: multiple)!,
                           supplier: supplier, leadTimeDays: leadTimeDays)
    }

    static func euros(_ text: String) -> Money { Money(text: text, currency: try! CurrencyCode("EUR"))! }

    static let offers = [
        Reorder.Offer(supplier: "S1", status: "approved", rank: 1, leadTimeDays: 14, unitPrice: Self.euros("0.12")),
        Reorder.Offer(supplier: "S2", status: "conditional", rank: 2, leadTimeDays: 5, unitPrice: Self.euros("0.15")),
    ]

    @Test(arguments: [
        // projected, min, max, multiple → order
        (-3, 10, 50, "1", "53"),
        (10, 10, 50, "1", "40"),     // at the minimum: order
        (11, 10, 50, "1", "0"),      // above it: nothing
        (4, 10, 50, "25", "50"),     // 46 rounded up to two multiples of 25
        (0, 10, 50, "25", "50"),     // exactly two multiples
        (7, 7, 7, "5", "0"),         // min = max = position: nothing to bring up
        (2, 5, 6, "0.5", "4"),
        (2, 5, 6.5, "0.4", "4.8"),
    ] as [(Int64, Int64, Double, String, String)])
    func ordersUpToTheMaximumInWholeMultiples(projected: Int64, minimum: Int64, maximum: Double, multiple: String, expected: String) {
        let quantity = Reorder.orderQuantity(
            projected: Quantity(projected), minimum: Quantity(minimum), maximum: Quantity(text: "\(maximum)")!, multiple: Quantity(text: multiple)!)
        #expect(quantity == Quantity(text: expected)!)
    }

    @Test func theSuppliersMinimumRaisesTheOrderBeforeRounding() {
        let quantity = Reorder.orderQuantity(projected: Quantity(45), minimum: Quantity(50), maximum: Quantity(60), multiple: Quantity(4),
                                             supplierMinimum: Quantity(30))
        #expect(quantity == Quantity(32), "15 needed, raised to 30, rounded up to 8 × 4")
    }

    @Test func thePositionCountsOpenPurchasesAndTakesReservationsAndDemand() {
        let position = Reorder.Position(onHand: Quantity(40), reserved: Quantity(15), openPurchases: Quantity(20), demand: Quantity(30))
        #expect(position.projected == Quantity(15))
        guard case .order(let proposal) = Reorder.evaluate(Self.rule(min: 20, max: 100, multiple: "10"), position: position,
                                                             offers: Self.offers, statuses: [:], today: "2030-01-30") else {
            Issue.record("15 is below the minimum of 20")
            return
        }
        #expect(proposal.quantity == Quantity(90) && proposal.supplier == "S1" && proposal.unitPrice == Self.euros("0.12") && proposal.unitPrice?.amountText == "0.12")
        #expect(proposal.due == "2030-02-13", "today plus the primary's 14 calendar days")
        #expect(proposal.reason.contains("projected 15") && proposal.supplierReason == "primary supplier S1 (rank 1)")
        // With the open order counted the next time, the position is above the minimum: nothing more.
        let after = Reorder.Position(onHand: Quantity(40), reserved: Quantity(15), openPurchases: Quantity(110), demand: Quantity(30))
        #expect(Reorder.evaluate(Self.rule(min: 20, max: 100, multiple: "10"), position: after, offers: Self.offers, statuses: [:], today: "2030-01-30") == .covered)
    }

    @Test func aBlockedPrimaryFallsToTheNextApprovedAlternate() throws {
        var offers = Self.offers
        offers[0].status = "blocked"
        offers[1].rank = 3
        offers.append(Reorder.Offer(supplier: "S3", status: "pending", rank: 2, leadTimeDays: 1, unitPrice: Self.euros("0.01")))
        let source = try Reorder.choose(for: Self.rule(min: 1, max: 2), offers: offers, statuses: [:]).get()
        #expect(source.supplier == "S2" && source.leadTimeDays == 5)
        #expect(source.reason == "S1 (rank 1) is blocked, S3 (rank 2) is pending; next approved alternate S2 (rank 3)")
        let overridden = try Reorder.choose(for: Self.rule(min: 1, max: 2, leadTimeDays: 30), offers: offers, statuses: [:]).get()
        #expect(overridden.leadTimeDays == 30, "the rule's lead time wins")
    }

    @Test func aRuleWithoutAnApprovedSupplierIsUnservedWithTheReason() {
        let blocked = Self.offers.map { offer in
            var offer = offer
            offer.status = "blocked"
            return offer
        }
        let position = Reorder.Position(onHand: .zero, reserved: .zero, openPurchases: .zero, demand: .zero)
        guard case .unserved(let unserved) = Reorder.evaluate(Self.rule(min: 5, max: 10), position: position, offers: blocked, statuses: [:], today: "2030-01-01")
        else { Issue.record("no supplier may be ordered from"); return }
        #expect(unserved.quantity == Quantity(10) && unserved.reason == "no approved supplier for BOLT: S1 is blocked, S2 is blocked")
        guard case .unserved(let none) = Reorder.evaluate(Self.rule(min: 5, max: 10), position: position, offers: [], statuses: [:], today: "2030-01-01")
        else { Issue.record("no supplier items at all"); return }
        #expect(none.reason.contains("has no supplier for BOLT"))
        let named = Reorder.choose(for: Self.rule(min: 5, max: 10, supplier: "S9"), offers: Self.offers, statuses: ["S9": "approved"])
        #expect(named == .failure(Reorder.NoSource(reason: "the hub has no supplier item S9:BOLT to give a lead time; give the rule one")))
        let namedBlocked = Reorder.choose(for: Self.rule(min: 5, max: 10, supplier: "S9", leadTimeDays: 3), offers: [], statuses: ["S9": "blocked"])
        #expect(namedBlocked == .failure(Reorder.NoSource(reason: "the rule's supplier S9 is blocked, not on the approved list")))
    }

    @Test func aNamedSupplierWithoutASupplierItemOrdersWithTheRulesLeadTimeAndNoPrice() throws {
        let source = try Reorder.choose(for: Self.rule(min: 5, max: 10, supplier: "S9", leadTimeDays: 3), offers: Self.offers, statuses: ["S9": "approved"]).get()
        #expect(source.supplier == "S9" && source.leadTimeDays == 3 && source.unitPrice == nil)
    }

    @Test func unsoundRulesNameTheirField() {
        #expect(Self.rule(min: 10, max: 5).invalidField?.field == "maximum")
        #expect(Self.rule(min: -1, max: 5).invalidField?.field == "minimum")
        #expect(Self.rule(min: 1, max: 5, multiple: "0").invalidField?.field == "multiple")
        #expect(Self.rule(min: 1, max: 5, leadTimeDays: -2).invalidField?.field == "leadTimeDays")
        #expect(Self.rule(min: 5, max: 5).invalidField == nil)
    }

    @Test func ruleEventsReadBackAsWritten() throws {
        for rule in [Self.rule(min: 5, max: 10, multiple: "2.5"), Self.rule(min: 0, max: 1, supplier: "S2", leadTimeDays: 9)] {
            let payload = try JSONValue.parse(try rule.payloadJSON())
            #expect(try ReorderRuleDefined.decode(type: "ReorderRuleDefined", schemaVersion: 1, payload: payload) == rule)
        }
        #expect(try Self.rule(min: 5, max: 10).payloadJSON().contains("supplier") == false, "no override, no field")
        let deleted = try JSONValue.parse(try ReorderRuleDeleted(item: "BOLT").payloadJSON())
        #expect(try ReorderRuleDeleted.decode(type: "ReorderRuleDeleted", schemaVersion: 1, payload: deleted) == ReorderRuleDeleted(item: "BOLT"))
    }

    @Test func dueDatesAreCalendarDaysAcrossMonthAndYearEnds() {
        #expect(Reorder.due(today: "2030-12-25", leadTimeDays: 10) == "2031-01-04")
        #expect(Reorder.due(today: "2028-02-27", leadTimeDays: 2) == "2028-02-29")
        #expect(Reorder.due(today: "2030-01-01", leadTimeDays: 0) == "2030-01-01")
        #expect(Reorder.due(today: "not a day", leadTimeDays: 1) == nil)
    }
}
