import Foundation

/// A barcode scan as the scanner sent it, accepted and made durable at the plant.
public struct ScanRecorded: PlantEvent {
    public static let eventType = "ScanRecorded"
    public static let schemaVersion = 1

    /// The client's idempotency key for the scan: the same key twice is one scan.
    public var scanID: UUID
    /// The device that read the barcode (scanner, terminal or line id).
    public var device: String
    /// The raw scanned data, control characters such as GS (0x1D) included.
    public var data: String

    public init(scanID: UUID, device: String, data: String) {
        self.scanID = scanID
        self.device = device
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case scanID = "scanId", device, data
    }
}

extension ScanRecorded {
    /// Reads a payload from its parsed value by hand, as `JSONDecoder` would but without a second JSON pass:
    /// the hub reads a week's scans this way.
    public init(payload: JSONValue) throws(EventDecodingError) {
        func field(_ key: String) throws(EventDecodingError) -> String {
            guard case .object(let members) = payload else {
                throw EventDecodingError(eventType: Self.eventType, reason: "body: expected an object")
            }
            guard let value = members[key] else {
                throw EventDecodingError(eventType: Self.eventType, reason: "missing field \"\(key)\"")
            }
            guard case .string(let text) = value else {
                throw EventDecodingError(eventType: Self.eventType, reason: "\(key): expected a string")
            }
            return text
        }
        let scanID = try field("scanId")
        guard let id = SyncBatchReader.uuid(scanID) else {
            throw EventDecodingError(eventType: Self.eventType, reason: "scanId: expected a UUID, got \"\(scanID)\"")
        }
        self.init(scanID: id, device: try field("device"), data: try field("data"))
    }
}
