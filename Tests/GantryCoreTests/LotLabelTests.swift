import Foundation
import GantryCore
import Testing

@Suite struct LotLabelTests {
    typealias Dates = LotLabel.Dates

    @Test func aNewLotTakesTheLabelsDates() {
        #expect(LotLabel.decide(known: nil, label: Dates(expiry: "2029-05-24")) == .accepted(Dates(expiry: "2029-05-24")))
    }

    /// known, label → the lot's dates, or the fields in conflict.
    @Test(arguments: [
        // R1 known to expire 900 days out; a label of R1 saying 100 days out is refused, never dropped.
        (Dates(expiry: "2029-05-24"), Dates(expiry: "2027-03-15"), nil as Dates?, ["expiry 17 2029-05-24 2027-03-15"]),
        (Dates(expiry: "2029-05-24"), Dates(expiry: "2029-05-24"), Dates(expiry: "2029-05-24"), []),
        (Dates(expiry: "2029-05-24"), Dates(), Dates(expiry: "2029-05-24"), []),
        (Dates(), Dates(expiry: "2027-03-15"), Dates(expiry: "2027-03-15"), []),
        (Dates(expiry: "2029-05-24"), Dates(bestBefore: "2028-01-01", produced: "2026-11-30"),
         Dates(expiry: "2029-05-24", bestBefore: "2028-01-01", produced: "2026-11-30"), []),
        (Dates(bestBefore: "2028-01-01", produced: "2026-11-30"), Dates(bestBefore: "2028-02-01", produced: "2026-11-29"), nil,
         ["bestBefore 15 2028-01-01 2028-02-01", "productionDate 11 2026-11-30 2026-11-29"]),
    ])
    func aKnownLotKeepsItsDates(known: Dates, label: Dates, merged: Dates?, conflicts: [String]) {
        switch LotLabel.decide(known: known, label: label) {
        case .accepted(let dates):
            #expect(dates == merged && conflicts.isEmpty)
        case .refused(let found):
            #expect(merged == nil && found.map { "\($0.field) \($0.ai) \($0.known) \($0.label)" } == conflicts)
        }
    }
}
