import Foundation

/// Opening the inbox: finding its segments, cutting a torn end, creating the next segment.
extension InboxLog {
    /// The segments in `folder`, oldest first, each read up to its last whole record, and the id of the newest
    /// entry in any of them. Only the newest segment can end torn (a power loss during its last write): it is
    /// cut there. An older one is read up to the first record that is damaged, out of order, or not older than
    /// the next segment's first: whatever follows is what a failed write left behind and was written again
    /// after, and the segments after it are whole. A segment's first id is its first record's; an empty older
    /// segment (a new one that could not be used) is deleted.
    static func recover(folder: String, powerLoss: Bool) throws -> (segments: [Segment], lastID: Int64?) {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        var found = names.compactMap { name -> Segment? in
            guard name.hasSuffix(".log"), let firstID = Int64(name.dropLast(4)), firstID > 0 else { return nil }
            return Segment(firstID: firstID, path: "\(folder)/\(name)", end: 0)
        }
        found.sort { $0.firstID < $1.firstID }
        // Each segment's first record's id bounds the ids of the segments before it.
        var bounds: [Int64?] = []
        for segment in found {
            var first: Int64?
            _ = try InboxRecord.read(segment.path, from: 0, to: try fileSize(segment.path)) { stored in
                first = stored.id
                return false
            }
            bounds.append(first)
        }
        var segments: [Segment] = []
        var lastID: Int64?
        for (index, var segment) in found.enumerated() {
            let newest = index == found.count - 1
            let bound = bounds[(index + 1)...].lazy.compactMap { $0 }.first ?? .max
            let size = try fileSize(segment.path)
            var first: Int64?
            segment.end = try InboxRecord.read(segment.path, from: 0, to: size) { stored in
                guard stored.id > (lastID ?? 0), stored.id < bound else { return false }
                if first == nil { first = stored.id }
                lastID = stored.id
                return true
            }
            if newest && segment.end < size {
                guard truncate(segment.path, off_t(segment.end)) == 0 else { throw error("cannot cut the torn end of \(segment.path)") }
            }
            if let first {
                segment.firstID = first
            } else if newest {
                // Empty: the next entries go here, after every one before.
                segment.firstID = max(segment.firstID, (lastID ?? 0) + 1)
            } else {
                unlink(segment.path)
                continue
            }
            segments.append(segment)
        }
        if powerLoss { try syncFolder(folder) }
        return (segments, lastID)
    }

    /// A new, empty segment for entries from `firstID` on.
    static func create(firstID: Int64, in folder: String, powerLoss: Bool) throws -> Segment {
        let digits = String(firstID)
        let path = "\(folder)/\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).log"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw error("cannot create \(path)") }
        close(descriptor)
        if powerLoss {
            do { try syncFolder(folder) } catch {
                unlink(path)
                throw error
            }
        }
        return Segment(firstID: firstID, path: path, end: 0)
    }

    /// A new or deleted file's name is durable once its folder is synced.
    static func syncFolder(_ folder: String) throws {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("cannot open \(folder)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw error("cannot flush \(folder) to disk") }
    }

    static func fileSize(_ path: String) throws -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("cannot read \(path)") }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 0 else { throw error("cannot read \(path)") }
        return Int(size)
    }

    static func error(_ what: String) -> StoreError {
        StoreError(.unusable, "\(what): \(String(cString: strerror(errno)))")
    }
}
