import Foundation
import GantryCore
import Testing

/// Prices typed as `Money` keep the wire shape they had as text: `"price": "0.120", "currency": "EUR"`.
@Suite struct FlattenedPriceTests {
    static func money(_ text: String, _ code: String) -> Money { try! Money(text: text, currencyCode: code) }

    @Test func anAlternateSupplierTravelsAsBeforeAndReadsBack() throws {
        let alternate = AlternateSupplier(
            supplier: "S2", status: "approved", leadTimeDays: 5, unitPrice: Self.money("0.120", "EUR"), rank: 2, qualityPPM: 1500)
        let text = String(decoding: try WireFormat.encoder().encode(alternate), as: UTF8.self)
        #expect(text == #"{"currency":"EUR","leadTimeDays":5,"price":"0.120","qualityPPM":1500,"rank":2,"status":"approved","supplier":"S2"}"#)
        #expect(try JSONDecoder().decode(AlternateSupplier.self, from: Data(text.utf8)) == alternate)
    }

    @Test func aPriceInACurrencyISO4217DoesNotListIsRefusedNotDropped() {
        let text = #"{"currency":"XYZ","leadTimeDays":5,"price":"0.12","qualityPPM":0,"rank":2,"status":"approved","supplier":"S2"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AlternateSupplier.self, from: Data(text.utf8)) }
    }

    @Test func alternatesAreRankedByPriceOnlyWithinOneCurrency() {
        func alternate(_ supplier: String, _ price: String, _ code: String, ppm: Int) -> AlternateSupplier {
            AlternateSupplier(supplier: supplier, status: "approved", leadTimeDays: 5, unitPrice: Self.money(price, code), rank: 1, qualityPPM: ppm)
        }
        // Same lead time: 0.10 EUR before 0.12 EUR; 100 JPY is not "dearer" than 0.12 EUR, so quality decides there.
        let ranked = AlternateSupplier.ranked([
            alternate("EUR-DEAR", "0.12", "EUR", ppm: 50), alternate("EUR-CHEAP", "0.10", "EUR", ppm: 900), alternate("JPY", "100", "JPY", ppm: 10),
        ])
        #expect(ranked.map(\.supplier) == ["JPY", "EUR-CHEAP", "EUR-DEAR"])
    }

    @Test func aProposalAnswersItsPriceAsTextAndCurrency() throws {
        let proposal = Reorder.Proposal(
            item: "BOLT", minimum: Quantity(10), maximum: Quantity(50), multiple: Quantity(1),
            position: Reorder.Position(onHand: Quantity(5), reserved: .zero, openPurchases: .zero, demand: .zero), quantity: Quantity(45), supplier: "S1",
            unitPrice: Self.money("1250", "JPY"), leadTimeDays: 14, due: "2026-12-19", reason: "r", supplierReason: "s")
        let object = try #require(try JSONSerialization.jsonObject(with: WireFormat.encoder().encode(proposal)) as? [String: Any])
        #expect(object["price"] as? String == "1250" && object["currency"] as? String == "JPY")
        #expect(try JSONDecoder().decode(Reorder.Proposal.self, from: WireFormat.encoder().encode(proposal)) == proposal)
        var unpriced = proposal
        unpriced.unitPrice = nil
        let bare = try #require(try JSONSerialization.jsonObject(with: WireFormat.encoder().encode(unpriced)) as? [String: Any])
        #expect(bare["price"] == nil && bare["currency"] == nil)
    }
}
