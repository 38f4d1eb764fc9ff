import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// What the store hands the posting engine from the masters: books, item costs, and the cache per master version.
@Suite struct LedgerSnapshotTests {
    static func record(_ kind: MasterKind, _ company: String?, _ key: String, active: Bool = true, _ data: String) -> MasterRecord {
        MasterRecord(
            kind: kind, company: company, key: key, active: active, plants: [], data: try! JSONValue.parse(data), version: 1,
            updatedAt: .distantPast, updatedBy: "tests")
    }

    static let records = [
        record(.company, "ACME", "ACME", #"{"legalName":"Acme","currency":"EUR","valuation":"moving-average"}"#),
        record(.plant, "ACME", "ACME-BER", #"{"name":"Berlin","timeZone":"Europe/Berlin"}"#),
        record(.accountMapping, "ACME", "receipt", #"{"debit":"1400","credit":"2100"}"#),
        record(.accountMapping, "ACME", "scrap", active: false, #"{"debit":"6900","credit":"1400"}"#),
        record(.accountMapping, "ACME", "goods-receipt", #"{"debit":"1400","credit":"2100"}"#),
        record(.fiscalPeriod, "ACME", "2026-02", #"{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}"#),
        record(.fiscalPeriod, "ACME", "2026-01", #"{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}"#),
        record(.item, nil, "BOLT", #"{"description":"Bolt","uom":"EA","tracking":"lot","standardCost":{"amount":"0.12","currency":"EUR"}}"#),
        record(.item, "ACME", "NUT", #"{"description":"Nut","uom":"EA","tracking":"none","standardCost":{"amount":"1.00","currency":"USD"}}"#),
        record(.item, "ACME", "WASHER", #"{"description":"Washer","uom":"EA","tracking":"none","standardCost":{"amount":"0.07","currency":"EUR"}}"#),
        record(.itemCost, "ACME", "WASHER", #"{"standardCost":{"amount":"0.05","currency":"EUR"}}"#),
    ]

    @Test func theSnapshotCarriesTheBooksAndEachItemsCostAsTheCompanyValuesIt() throws {
        let masters = LedgerMasters(Self.records)
        var needs = PostingNeeds()
        needs.companies = ["ACME", "GHOST"]
        needs.items = Set(["BOLT", "NUT", "WASHER", "SCREW"].map { CompanyItem(company: "ACME", item: $0) })
        var reads = LedgerPosting.Reads()
        reads.closed["ACME"] = ["2026-01"]
        let snapshot = LedgerPosting.snapshot(needs, masters: masters, reads: reads)
        let books = try #require(snapshot.books["ACME"])
        #expect(snapshot.books["GHOST"] == nil, "no company master, no books")
        #expect(books.functionalCurrency.code == "EUR")
        #expect(books.valuation == .movingAverage)
        #expect(books.mapping == [.receipt: CompanyBooks.AccountPair(debit: "1400", credit: "2100")], "the retired and the unknown kind left out")
        #expect(books.periods.map(\.key) == ["2026-01", "2026-02"])
        #expect(books.closedPeriods == ["2026-01"])
        // BOLT: the shared item's 0.12 EUR; NUT: its cost is in USD, not ACME's currency; WASHER: the item-cost wins.
        let costs = snapshot.itemCosts.mapValues { "\($0.standardCost.amount) \($0.standardCost.currency.code)" }
        #expect(costs == [CompanyItem(company: "ACME", item: "BOLT"): "0.12 EUR", CompanyItem(company: "ACME", item: "WASHER"): "0.05 EUR"])
        #expect(masters.timeZones == ["ACME-BER": "Europe/Berlin"])
        #expect(masters.periodRange(of: "ACME", from: "2026-01", to: "2026-02")?.map(\.key) == ["2026-01", "2026-02"])
        #expect(masters.periodRange(of: "ACME", from: "2026-02", to: "2026-01") == nil)
    }

    @Test func theMastersAreDecodedOncePerVersion() throws {
        let cache = LedgerMasterCache()
        var loads = 0
        for version: Int64 in [1, 1, 1, 2, 2] {
            _ = try cache.masters(version: version) {
                loads += 1
                return Self.records
            }
        }
        #expect(loads == 2)
    }
}
