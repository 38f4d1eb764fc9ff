import Foundation

/// A typed view of one master kind's record: its identity plus its `data` fields read into Swift types, so
/// callers never pattern-match `JSONValue`. Each view lists its data fields in `CodingKeys`; `key`, `company`
/// and `active` come from the record.
public protocol MasterView: Sendable, Decodable {
    /// The kind the view reads.
    static var kind: MasterKind { get }
    var key: String { get set }
    var company: String? { get set }
    var active: Bool { get set }
}

extension MasterView {
    /// Reads a record of the view's kind; nil for a record of another kind or whose data does not read (the hub
    /// validates every record, so that is a record from a newer or older schema).
    public init?(_ record: MasterRecord) {
        guard record.kind == Self.kind,
              var view = try? JSONDecoder().decode(Self.self, from: Data(record.data.canonicalText.utf8)) else { return nil }
        view.key = record.key
        view.company = record.company
        view.active = record.active
        self = view
    }
}

extension KeyedDecodingContainer {
    /// A decimal that travels as text (`"12.50"`, `DecimalText`'s rule).
    func decimalText(forKey key: Key) throws -> Decimal {
        let text = try decode(String.self, forKey: key)
        guard let value = DecimalText.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected a decimal number as text, got \"\(text)\"")
        }
        return value
    }

    /// An optional decimal that travels as text; absent or null is nil.
    func decimalTextIfPresent(forKey key: Key) throws -> Decimal? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decimalText(forKey: key)
    }
}
