import Foundation
import GantryCore

/// `GET /v1/groups/{group}/consolidation/sources`: the journal entries behind one kept intercompany sum an
/// elimination names (`source`, as in its `sources`), over the consolidation's range, in posting date order, a page
/// at a time; `total` is how many entries the sum is over, `next` the offset of the next page, if any.
public struct ConsolidationSources: Sendable, Equatable, Codable {
    public var group: String
    public var from: String
    public var to: String
    public var source: String
    public var company: String
    public var tradingPartner: String
    public var account: String
    public var item: String?
    public var total: Int64
    public var entries: [JournalEntryRecord]
    public var offset: Int
    public var next: Int?
}
