import Foundation
import GantryCore
import GRDB

/// The machine-signal tables' rows as the store reads them (columns named by their `CodingKeys`).
enum MachineSignalRows {
    /// A kept dead letter.
    struct DeadLetterRow: Decodable, FetchableRecord {
        var id: Int64
        var receivedAt: String
        var topic: String
        var payload: Data
        var payloadBytes: Int
        var reason: String

        enum CodingKeys: String, CodingKey {
            case id, topic, payload, reason
            case receivedAt = "received_at", payloadBytes = "payload_bytes"
        }

        var deadLetter: DeadLetter {
            DeadLetter(
                id: id, receivedAt: Timestamp.parse(receivedAt) ?? .distantPast, topic: topic,
                payload: String(decoding: payload, as: UTF8.self), payloadBytes: payloadBytes, reason: reason)
        }
    }

    /// A machine's state from a moment on.
    struct StateChange: Decodable, FetchableRecord {
        var line: String
        var machine: String
        var at: String
        var state: String
        var reason: String?

        var machineID: MachineID { MachineID(line: line, machine: machine) }
    }

    /// A machine's good and scrap counts summed over a window.
    struct CountTotal: Decodable, FetchableRecord {
        var line: String
        var machine: String
        var good: Int64
        var scrap: Int64

        var machineID: MachineID { MachineID(line: line, machine: machine) }
    }
}
