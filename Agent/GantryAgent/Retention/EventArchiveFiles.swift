import Foundation

/// The agent's archive of events that left its log: one gzip file per month of the events' recording time in a
/// folder beside the store (`{store.path}-archive/events-2026-11.jsonl.gz`). Each archiving pass appends one
/// gzip member per month it reaches (a gzip file may hold several, `zcat` reads them as one), each line a sync
/// batch body (docs/sync-protocol.md) of up to a few hundred events, so the archive reads back with the same reader
/// the hub uses. A member is flushed to disk (`fsync`) before its events leave the log; a crash between the
/// two leaves the events in both, and the next pass appends them again: a reader keeps the first copy of each
/// sequence.
struct EventArchiveFiles: Sendable {
    /// The folder holding the monthly files.
    let folder: String

    /// The archive folder of the store at `storePath`.
    init(storePath: String) {
        folder = storePath + "-archive"
    }

    /// The file of events recorded in `month` (`yyyy-MM`, UTC).
    func path(month: String) -> String {
        "\(folder)/events-\(month).jsonl.gz"
    }

    /// Appends `lines` (each without its newline) as one gzip member to `month`'s file and flushes it to disk.
    func append(_ lines: [Data], month: String) throws {
        var text = Data()
        for line in lines {
            text.append(line)
            text.append(UInt8(ascii: "\n"))
        }
        let member = try Self.gzip(text)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let descriptor = open(path(month: month), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Self.failure("cannot open \(path(month: month))") }
        defer { close(descriptor) }
        try member.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard count > 0 else { throw Self.failure("cannot write \(path(month: month))") }
                written += count
            }
        }
        guard fsync(descriptor) == 0 else { throw Self.failure("cannot flush \(path(month: month))") }
    }

    /// The lines of `month`'s file, every member inflated in order.
    func lines(month: String) throws -> [Data] {
        let compressed = try Data(contentsOf: URL(fileURLWithPath: path(month: month)))
        return try Self.gunzip(compressed).split(separator: UInt8(ascii: "\n")).map { Data($0) }
    }

    /// The months that have a file, oldest first.
    func months() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix("events-"), name.hasSuffix(".jsonl.gz") else { return nil }
            return String(name.dropFirst("events-".count).dropLast(".jsonl.gz".count))
        }.sorted()
    }

    private static func failure(_ what: String) -> StoreError {
        StoreError(.unusable, "\(what): \(String(cString: strerror(errno)))")
    }

    /// `data` as one gzip member.
    static func gzip(_ data: Data) throws -> Data {
        Gzip.compress(data)
    }

    /// The text of every gzip member in `data`, one after the other.
    static func gunzip(_ data: Data) throws -> Data {
        guard !data.isEmpty else { return Data() }  // a crash after the file was made, before its first member
        do {
            return try Gzip.inflateMembers(data, limit: .max)
        } catch {
            throw StoreError(.unusable, "an archive file is damaged (\(error))")
        }
    }
}
