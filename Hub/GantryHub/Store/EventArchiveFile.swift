import Crypto
import Foundation
import GantryCore

/// A month of raw events detached from PostgreSQL (`gantry-hub events detach`), as JSON lines: a header naming
/// the month, one line per event row exactly as stored (times in UTC to the microsecond, the payload as its JSON
/// text), and a trailer with the count, so a cut-off file is refused on restore rather than half loaded.
enum EventArchiveFile {
    /// One stored event row.
    struct Row: Codable, Sendable, Equatable {
        var plant: String
        var seq: Int64
        var id: String
        var type: String
        var schemaVersion: Int32
        var occurredAt: String
        var recordedAt: String
        var receivedAt: String
        var payload: String
        var status: String
        var statusReason: String?
    }

    struct Header: Codable {
        var archive = "gantry-events"
        var version = 1
        var month: String
    }

    struct Trailer: Codable {
        var events: Int64
    }

    /// A timestamptz column as the text rows keep: UTC, microseconds, `Z`.
    static func utc(_ column: String) -> String {
        #"to_char(\#(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"#
    }

    /// Writes an archive to `path.partial`, then flushes and renames it into place.
    struct Writer {
        let path: String
        let month: EventMonth
        private let handle: FileHandle
        private var buffer = Data()
        private var hash = SHA256()
        private var events: Int64 = 0
        private let encoder = JSONEncoder()

        init(path: String, month: EventMonth) throws {
            self.path = path
            self.month = month
            guard FileManager.default.createFile(atPath: path + ".partial", contents: nil) else {
                throw CommandLineError("cannot create \(path).partial")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + ".partial"))
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try line(Header(month: month.description))
        }

        mutating func write(_ row: Row) throws {
            let receivedAt = Timestamp.parse(row.receivedAt)
            guard let receivedAt, receivedAt >= month.start, receivedAt < month.end else {
                throw CommandLineError("event \(row.plant) \(row.seq) was received at \(row.receivedAt), outside \(month)")
            }
            try line(row)
            events += 1
        }

        /// The trailer, flushed and renamed into place.
        mutating func finish() throws -> EventArchiveSummary {
            try line(Trailer(events: events))
            try flush()
            try handle.synchronize()
            try handle.close()
            guard rename(path + ".partial", path) == 0 else { throw CommandLineError("cannot rename \(path).partial to \(path)") }
            let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
            return EventArchiveSummary(month: month, events: events, file: path, sha256: digest)
        }

        private mutating func line(_ value: some Encodable) throws {
            buffer.append(try encoder.encode(value))
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 { try flush() }
        }

        private mutating func flush() throws {
            hash.update(data: buffer)
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// An archive read back whole and checked: header, every row in its month, trailer count.
    static func read(path: String) throws -> (summary: EventArchiveSummary, rows: [Row]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandLineError("cannot read \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        let lines = data.split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first)),
              header.archive == "gantry-events", header.version == 1, let month = EventMonth(header.month)
        else { throw CommandLineError("\(path) is not an events archive written by gantry-hub events detach") }
        guard lines.count >= 2, let trailer = try? decoder.decode(Trailer.self, from: Data(lines[lines.count - 1])),
              trailer.events == Int64(lines.count - 2)
        else { throw CommandLineError("\(path) is cut short or damaged: its end does not count its events") }
        var rows: [Row] = []
        rows.reserveCapacity(lines.count - 2)
        for (index, line) in lines.dropFirst().dropLast().enumerated() {
            guard let row = try? decoder.decode(Row.self, from: Data(line)) else {
                throw CommandLineError("\(path) line \(index + 2) is not an event row")
            }
            guard let received = Timestamp.parse(row.receivedAt), received >= month.start, received < month.end else {
                throw CommandLineError("\(path) line \(index + 2): received at \(row.receivedAt), outside \(month)")
            }
            rows.append(row)
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return (EventArchiveSummary(month: month, events: Int64(rows.count), file: path, sha256: digest), rows)
    }
}

/// A month of events in an archive file: what `gantry-hub events detach` and `restore` print.
public struct EventArchiveSummary: Sendable, Equatable {
    /// The month (UTC) the hub received the events in.
    public var month: EventMonth
    /// How many event rows the file holds.
    public var events: Int64
    /// The file, and the SHA-256 of its bytes (hex).
    public var file: String
    public var sha256: String

    /// The lines the commands print.
    public var text: String {
        "month: \(month)\nevents: \(events)\nfile: \(file)\nsha256: \(sha256)"
    }
}
