import Foundation

/// One inbox entry on disk: `length` (UInt32, of the body), `crc` (UInt32, CRC-32C of the body), then the body:
/// id (Int64), arrival in microseconds since 1970 (Int64), kind (UInt8: 0 message, 1 lost connection), QoS
/// (UInt8), topic length (UInt16), the payload's real size (UInt32), the topic, then the payload (its first
/// 1 KiB when over the limit) or the lost connection's cause. Little-endian.
enum InboxRecord {
    static let headerBytes = 8
    static let fixedBodyBytes = 24

    static func append(_ entry: InboxEntry, id: Int64, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: headerBytes))
        put(UInt64(bitPattern: id), into: &buffer)
        put(UInt64(bitPattern: Int64((entry.receivedAt.timeIntervalSince1970 * 1_000_000).rounded())), into: &buffer)
        switch entry.content {
        case .message(let topic, let payload, let payloadBytes, let qos):
            var topic = topic
            topic.withUTF8 { topic in
                buffer.append(0)
                buffer.append(UInt8(clamping: qos))
                put(UInt16(clamping: topic.count), into: &buffer)
                put(UInt32(clamping: payloadBytes), into: &buffer)
                buffer.append(contentsOf: topic.prefix(Int(UInt16.max)))
            }
            buffer.append(contentsOf: payload)
        case .signalLost(let cause):
            buffer.append(1)
            buffer.append(0)
            put(UInt16(0), into: &buffer)
            put(UInt32(0), into: &buffer)
            buffer.append(contentsOf: cause.utf8)
        }
        let body = buffer.count - start - headerBytes
        let crc = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + headerBytes)...])) }
        buffer.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt32(body).littleEndian, toByteOffset: start, as: UInt32.self)
            bytes.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }

    /// Reads the records of the file at `path` from `offset` up to `end`, handing each to `body` until it
    /// returns false (refusing that record); returns where the last record taken ends (where reading on would
    /// start), or where the whole records end when one is short or damaged.
    static func read(_ path: String, from offset: Int, to end: Int, _ body: (InboxLog.Stored) -> Bool) throws -> Int {
        guard offset < end else { return offset }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError(.unusable, "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        var position = offset
        while position < end {
            // A chunk from `position`: whole records are read from it, a record cut at its end is read again.
            let wanted = min(chunk.count, end - position)
            let got = try chunk.withUnsafeMutableBytes { bytes -> Int in
                var got = 0
                while got < wanted {
                    let count = pread(descriptor, bytes.baseAddress! + got, wanted - got, off_t(position + got))
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else {
                        if count == 0 { return got }
                        throw StoreError(.unusable, "cannot read \(path): \(String(cString: strerror(errno)))")
                    }
                    got += count
                }
                return got
            }
            var used = 0
            while true {
                let parsed = chunk.withUnsafeBytes { bytes in
                    parse(UnsafeRawBufferPointer(rebasing: bytes[used..<got]))
                }
                switch parsed {
                case .record(let stored, let length):
                    guard body(stored) else { return position + used }
                    used += length
                case .needMore(let length):
                    // The whole file ends here, or the record is larger than the chunk.
                    if position + used + length > end || got < wanted { return position + used }
                    // A record larger than the chunk (a payload of megabytes): a chunk of its size.
                    if used == 0 { chunk = [UInt8](repeating: 0, count: length) }
                case .damaged:
                    return position + used
                }
                if case .needMore = parsed { break }
            }
            position += used
        }
        return position
    }

    enum Parsed {
        case record(InboxLog.Stored, length: Int)
        /// This many bytes make the next record (at least the header's): more must be read.
        case needMore(Int)
        case damaged
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        guard bytes.count >= headerBytes else { return .needMore(headerBytes) }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        guard length >= fixedBodyBytes else { return .damaged }
        guard bytes.count >= headerBytes + length else { return .needMore(headerBytes + length) }
        let body = UnsafeRawBufferPointer(rebasing: bytes[headerBytes..<(headerBytes + length)])
        guard CRC32C.checksum(body) == UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) else {
            return .damaged
        }
        let id = Int64(bitPattern: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        let micros = Int64(bitPattern: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        let kind = body[16]
        let qos = Int32(body[17])
        let topicLength = Int(UInt16(littleEndian: body.loadUnaligned(fromByteOffset: 18, as: UInt16.self)))
        let payloadBytes = Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: 20, as: UInt32.self)))
        guard fixedBodyBytes + topicLength <= length else { return .damaged }
        let topic = String(decoding: body[fixedBodyBytes..<(fixedBodyBytes + topicLength)], as: UTF8.self)
        let rest = body[(fixedBodyBytes + topicLength)...]
        let receivedAt = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        let content: InboxEntry.Content
        switch kind {
        case 0: content = .message(topic: topic, payload: Array(rest), payloadBytes: payloadBytes, qos: qos)
        case 1: content = .signalLost(cause: String(decoding: rest, as: UTF8.self))
        default: return .damaged
        }
        return .record(InboxLog.Stored(id: id, entry: InboxEntry(content, receivedAt: receivedAt)), length: headerBytes + length)
    }

    private static func put<T: FixedWidthInteger>(_ value: T, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }
}
