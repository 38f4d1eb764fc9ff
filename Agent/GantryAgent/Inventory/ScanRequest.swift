import Foundation
import GantryCore

/// The body of `POST /v1/scans`.
struct ScanRequest: Decodable, Sendable {
    /// The raw scanned data.
    var data: String
    /// The scanning device.
    var device: String
    /// Optional idempotency key chosen by the client; a retry with the same key is the same scan.
    var id: UUID?
    /// When the scan happened, if the client knows better than the agent's clock.
    var occurredAt: Date?

    static let maxDataLength = 4096
    static let maxDeviceLength = 128
    /// How far ahead of the agent's clock a scan may claim to have happened.
    static let clockSkewAllowance: TimeInterval = 300
    /// The earliest time a scan may claim: nothing Gantry records happened before 2000.
    static let earliest = Date(timeIntervalSince1970: 946_684_800)

    /// Checks the fields and returns the event to record, or a 422 problem naming the field.
    func validated(now: Date) throws -> (scan: ScanRecorded, occurredAt: Date) {
        func invalid(_ field: String, _ detail: String) -> ProblemDetails {
            ProblemDetails(code: "invalid-scan", title: "Invalid scan", status: 422, detail: detail, field: field)
        }
        guard !data.isEmpty else { throw invalid("data", "data is empty") }
        guard data.utf8.count <= Self.maxDataLength else {
            throw invalid("data", "data is \(data.utf8.count) bytes, at most \(Self.maxDataLength) are accepted")
        }
        guard !data.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw invalid("data", "data contains a NUL character")
        }
        let trimmedDevice = device.trimmingCharacters(in: .whitespaces)
        guard !trimmedDevice.isEmpty, trimmedDevice.count <= Self.maxDeviceLength,
              !trimmedDevice.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw invalid("device", "device must be 1 to \(Self.maxDeviceLength) printable characters")
        }
        let occurredAt = occurredAt ?? now
        guard occurredAt.timeIntervalSince(now) <= Self.clockSkewAllowance else {
            throw invalid("occurredAt", "occurredAt is more than \(Int(Self.clockSkewAllowance)) s ahead of the agent's clock")
        }
        guard occurredAt >= Self.earliest else {
            throw invalid("occurredAt", "occurredAt is before 2000-01-01")
        }
        return (ScanRecorded(scanID: id ?? UUID(), device: trimmedDevice, data: data), occurredAt)
    }
}
