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
