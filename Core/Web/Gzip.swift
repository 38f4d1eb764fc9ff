import CZlib
import Foundation

/// gzip (RFC 1952) in memory, for request bodies between agent and hub and for the agent's event archive:
/// `compress` for the sender, `inflate` with a hard cap on the inflated size for the receiver, so a small body that
/// inflates to gigabytes (a zip bomb) is refused after `limit` bytes instead of filling memory.
/// zlib's return codes become `Gzip.Failure` here.
public enum Gzip {
    /// Why a gzip body could not be inflated.
    public enum Failure: Error, Sendable, Equatable {
        /// The inflated body would exceed the cap.
        case tooLarge(limit: Int)
        /// The bytes are not one complete gzip member (bad header, bad checksum, truncated, or bytes after its end).
        case corrupt(String)
    }

    /// `data` as one gzip member at zlib's default level (6: most of the gain of 9 at a fraction of the CPU).
    public static func compress(_ data: Data, level: Int32 = Z_DEFAULT_COMPRESSION) -> Data {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        let ready = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(ready == Z_OK, "zlib could not start a deflate stream (\(ready))")
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, UInt(data.count))))
        let written: Int = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                // deflateBound leaves room for the whole stream, so one call with Z_FINISH ends it.
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish within deflateBound (\(status))")
                return Int(stream.total_out)
            }
        }
        output.count = written
        return output
    }

    /// The bytes `data` inflates to, at most `limit` of them: `Failure.tooLarge` past it, `Failure.corrupt` when
    /// `data` is not exactly one complete gzip member.
    public static func inflate(_ data: Data, limit: Int) throws(Failure) -> Data {
        try inflate(data, limit: limit, members: false)
    }

    /// The bytes of every gzip member in `data`, one after the other (a file that was appended to member by member),
    /// at most `limit` of them.
    public static func inflateMembers(_ data: Data, limit: Int) throws(Failure) -> Data {
        try inflate(data, limit: limit, members: true)
    }

    private static func inflate(_ data: Data, limit: Int, members: Bool) throws(Failure) -> Data {
        var stream = z_stream()
        let ready = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard ready == Z_OK else { throw .corrupt("zlib could not start an inflate stream (\(ready))") }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 64 << 10
        var buffer = [UInt8](repeating: 0, count: chunk)
        let result: Result<Void, Failure> = data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (status, produced) = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, chunk - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else { return .failure(.tooLarge(limit: limit)) }
                output.append(contentsOf: buffer[0..<produced])
                switch status {
                case Z_STREAM_END where stream.avail_in == 0:
                    return .success(())
                case Z_STREAM_END where members:
                    inflateReset(&stream)  // the next member
                case Z_STREAM_END:
                    return .failure(.corrupt("bytes follow the end of the gzip stream"))
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.corrupt("the gzip stream is truncated"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(.corrupt(message))
                }
            }
        }
        try result.get()
        return output
    }
}
