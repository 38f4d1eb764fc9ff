import Foundation
import GantryCore
import GRDB

/// The event log's rows as the store reads them, one record type per query shape (columns named by their
/// `CodingKeys`), so that no column is read by a string key.
enum EventLogRows {
    /// An event as the sync sends it.
    struct Event: Decodable, FetchableRecord {
        var seq: Int64
        var eventID: String
        var type: String
        var schemaVersion: Int
        var occurredAt: String
        var recordedAt: String
        var payload: String

        enum CodingKeys: String, CodingKey {
            case seq, type, payload
            case eventID = "event_id", schemaVersion = "schema_version", occurredAt = "occurred_at", recordedAt = "recorded_at"
        }

        var stored: StoredEvent {
            StoredEvent(
                sequence: seq, id: eventID, type: type, schemaVersion: schemaVersion, occurredAt: occurredAt,
                recordedAt: recordedAt, payload: payload)
        }
    }

    /// The log's newest event: where the next one goes and the running byte total it extends.
    struct Last: Decodable, FetchableRecord {
        var seq: Int64
        var logBytes: Int64

        enum CodingKeys: String, CodingKey {
            case seq
            case logBytes = "log_bytes"
        }
    }

    /// A scan recorded before, with its event (nil once archived), to answer a repeated scan id.
    struct EarlierScan: Decodable, FetchableRecord {
        var seq: Int64
        var device: String
        var data: String
        var eventID: String?
        var recordedAt: String?

        enum CodingKeys: String, CodingKey {
            case seq, device, data
            case eventID = "event_id", recordedAt = "recorded_at"
        }
    }

    /// The log's end, the byte totals and the oldest unacknowledged event's time, for `position()`.
    struct Position: Decodable, FetchableRecord {
        var head: Int64
        var totalBytes: Int64
        var acknowledgedBytes: Int64?
        var oldest: String?

        enum CodingKeys: String, CodingKey {
            case head, oldest
            case totalBytes = "total_bytes", acknowledgedBytes = "acknowledged_bytes"
        }
    }
}
