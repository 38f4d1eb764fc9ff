import CZlib
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
        var stream = z_stream()
        // 15 bits of window, +16: a gzip header and trailer rather than zlib's.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StoreError(.unusable, "zlib cannot start compressing")
        }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw StoreError(.unusable, "zlib could not compress (\(status))") }
        return Data(output.prefix(Int(stream.total_out)))
    }

    /// The text of every gzip member in `data`, one after the other.
    static func gunzip(_ data: Data) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StoreError(.unusable, "zlib cannot start inflating")
        }
        defer { inflateEnd(&stream) }
        var input = [UInt8](data)
        var result = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while stream.avail_in > 0 {
                let status = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                result.append(contentsOf: chunk.prefix(chunk.count - Int(stream.avail_out)))
                switch status {
                case Z_OK: continue
                case Z_STREAM_END: inflateReset(&stream)  // the next member, if any
                default: throw StoreError(.unusable, "an archive file is damaged (zlib \(status))")
                }
            }
        }
        return result
    }
}
