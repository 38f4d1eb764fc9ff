import Foundation
import GantryCore
import GRDB

/// A plant's company and enrolment time zone.
struct LedgerPlantRow: Decodable, FetchableRecord {
    var plantID: String
    var company: String
    var timeZone: String
    enum CodingKeys: String, CodingKey { case plantID = "plant_id", company, timeZone = "time_zone" }

    var books: LedgerPosting.PlantBooks { LedgerPosting.PlantBooks(plant: plantID, company: company, timeZone: timeZone) }
}

/// A master record's identity and data, as posting reads it.
struct LedgerMasterRow: Decodable, FetchableRecord {
    var kind: String
    var company: String
    var key: String
    var active: Bool
    var data: String

    /// The record, or nil for a kind this hub does not know.
    var record: MasterRecord? {
        guard let kind = MasterKind(rawValue: kind), let data = try? JSONValue.parse(data) else { return nil }
        return MasterRecord(
            kind: kind, company: company.isEmpty ? nil : company, key: key, active: active, plants: [], data: data, version: 0,
            updatedAt: .distantPast, updatedBy: "")
    }
}

/// A plant's location and its type.
struct LedgerLocationRow: Decodable, FetchableRecord {
    var location: String
    var type: String
}

/// A quantity (millionths) and a value (minor units).
/// A plant's latest bill of materials or routing of an item, as its canonical payload.
struct LedgerDefinitionRow: Decodable, FetchableRecord {
    var type: String
    var payload: String
}

struct LedgerAmountsRow: Decodable, FetchableRecord {
    var quantity: Int64
    var value: Int64
}

/// A purchase order line's price as stored.
struct LedgerPriceRow: Decodable, FetchableRecord {
    var price: String?
    var currency: String?
}

struct LedgerWIPRow: Decodable, FetchableRecord {
    var company: String
    var value: Int64
    var issued: String
    var closed: Bool
}

struct LedgerTransitRow: Decodable, FetchableRecord {
    var company: String
    var quantity: Int64
    var value: Int64
}

/// A row of `ledger_held`.
struct LedgerHeldRow: Decodable, FetchableRecord {
    static let columns = "plant_id, seq, event_id, company, code, detail, held_at"
    var plantID: String
    var seq: Int64
    var eventID: String
    var company: String
    var code: String
    var detail: String
    var heldAt: String
    enum CodingKeys: String, CodingKey {
        case plantID = "plant_id", seq, eventID = "event_id", company, code, detail, heldAt = "held_at"
    }

    var record: HeldPostingRecord {
        HeldPostingRecord(
            plant: plantID, sequence: seq, eventID: UUID(uuidString: eventID) ?? UUID(), company: company, code: code, detail: detail,
            heldAt: Timestamp.parse(heldAt) ?? .distantPast)
    }
}

/// A row of `journal_entries`.
struct LedgerEntryRow: Decodable, FetchableRecord {
    static let columns = """
        company, source_key, kind, plant_id, seq, posting_date, period, original_date, note, transaction_currency, functional_currency,
        posted_at
        """
    var company: String
    var sourceKey: String
    var kind: String
    var plantID: String?
    var seq: Int64?
    var postingDate: String
    var period: String
    var originalDate: String?
    var note: String?
    var transactionCurrency: String
    var functionalCurrency: String
    var postedAt: String
    enum CodingKeys: String, CodingKey {
        case company, sourceKey = "source_key", kind, plantID = "plant_id", seq, postingDate = "posting_date", period
        case originalDate = "original_date", note, transactionCurrency = "transaction_currency"
        case functionalCurrency = "functional_currency", postedAt = "posted_at"
    }

    func record(lines: [JournalLine]) -> JournalEntryRecord {
        JournalEntryRecord(
            company: company, sourceKey: sourceKey, kind: kind, plant: plantID, sequence: seq, postingDate: postingDate, period: period,
            originalDate: originalDate, note: note, transactionCurrency: transactionCurrency, functionalCurrency: functionalCurrency,
            postedAt: Timestamp.parse(postedAt) ?? .distantPast, lines: lines)
    }
}

/// A row of `journal_lines`.
struct LedgerLineRow: Decodable, FetchableRecord {
    static let columns = "source_key, account, amount, functional_amount, item, quantity, trading_partner, customer"
    var sourceKey: String
    var account: String
    var amount: Int64
    var functionalAmount: Int64
    var item: String?
    var quantity: Int64?
    var tradingPartner: String?
    var customer: String?
    enum CodingKeys: String, CodingKey {
        case sourceKey = "source_key", account, amount, functionalAmount = "functional_amount", item, quantity
        case tradingPartner = "trading_partner", customer
    }

    var line: JournalLine {
        JournalLine(
            account: account, amount: amount, functionalAmount: functionalAmount, item: item, quantity: quantity,
            tradingPartner: tradingPartner, customer: customer)
    }
}

/// An account's summed debits and credits.
struct LedgerSumRow: Decodable, FetchableRecord {
    var account: String
    var debit: Int64
    var credit: Int64
}

/// A closed period.
struct LedgerClosedRow: Decodable, FetchableRecord {
    var period: String
    var closedAt: String
    var closedBy: String
    enum CodingKeys: String, CodingKey { case period, closedAt = "closed_at", closedBy = "closed_by" }
}
