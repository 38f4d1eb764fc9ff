import Foundation
import GantryCore
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// `gantry-agent backup`: a consistent copy of the plant's store while the agent runs, and of its MQTT inbox.
///
/// The store is copied first, as one snapshot. The inbox folder (`store.path-inbox.d`) is copied after it into
/// `FILE-inbox.d`: the snapshot records how far the inbox was projected, and every entry it had not projected
/// is still in the folder then (entries are dropped only once projected), so the restored agent projects what
/// the snapshot lacks at its start. Entries that arrive after the snapshot may be in the copy too: they are
/// facts heard before the backup finished, and a restored agent records them once.
public enum AgentBackup {
    /// What a backup holds, read from the copy itself.
    public struct Summary: Sendable, Equatable {
        public var path: String
        public var bytes: Int64
        public var plant: String
        /// The last migration applied to the copy, and how many are.
        public var schema: String
        public var migrations: Int
        /// The newest event in the copy, and how far the hub had acknowledged when it was taken.
        public var head: Int64
        public var acknowledged: Int64
        /// The copied inbox folder (nil without one), its segments and bytes.
        public var inboxPath: String?
        public var inboxSegments: Int
        public var inboxBytes: Int64

        /// The lines `gantry-agent backup` prints.
        public var text: String {
            var lines = [
                "backup written: \(path)", "bytes: \(bytes)", "plant: \(plant)", "schema: \(schema) (\(migrations) migrations)",
                "events through sequence \(head) (hub acknowledged through \(acknowledged))",
            ]
            if let inboxPath {
                lines.append("MQTT inbox: \(inboxPath) (\(inboxSegments) segments, \(inboxBytes) bytes)")
            } else {
                lines.append("MQTT inbox: none")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Backs up the store at `storePath` (and its inbox folder, if there is one) to `destination`; refuses an
    /// existing file unless `force`.
    public static func run(storePath: String, to destination: String, force: Bool) throws -> Summary {
        let inboxFolder = storePath + "-inbox.d"
        let inboxCopy = destination + "-inbox.d"
        if !force, FileManager.default.fileExists(atPath: inboxCopy) {
            throw CommandLineError("\(inboxCopy) exists; pass --force to replace it")
        }
        // Files made from here on are the owner's only, while they are written as well as after.
        let mask = umask(0o077)
        defer { umask(mask) }
        var isFolder: ObjCBool = false
        let hasInbox = FileManager.default.fileExists(atPath: inboxFolder, isDirectory: &isFolder) && isFolder.boolValue
        // The inbox is copied before the store: the agent deletes a segment only once all of it is projected, so
        // every entry the store's copy has not projected is still in the inbox's copy. The other way round, a
        // segment projected and deleted between the two copies would be in neither. Both are put in place only
        // once both are made.
        var summary: Summary?
        let copied = try copyInbox(from: hasInbox ? inboxFolder : nil, to: inboxCopy) {
            let backup = SQLiteFileBackup(source: storePath, destination: destination, force: force)
            let (bytes, read) = try backup.run { db in
                let applied = try SQLitePlantStore.migrator.appliedIdentifiers(db)
                guard let identity = try StoreIdentity.fetchOne(db, sql: "SELECT plant_id FROM store_identity") else {
                    throw CommandLineError("\(storePath) is not a Gantry agent store")
                }
                let head = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM events") ?? 0
                let acknowledged = try Int64.fetchOne(db, sql: "SELECT acknowledged_through FROM sync_progress") ?? 0
                let last = applied.max { Self.number($0) < Self.number($1) } ?? ""
                return (plant: identity.plantID, schema: last, migrations: applied.count, head: head, acknowledged: acknowledged)
            }
            summary = Summary(
                path: destination, bytes: bytes, plant: read.plant, schema: read.schema, migrations: read.migrations, head: read.head,
                acknowledged: read.acknowledged, inboxPath: nil, inboxSegments: 0, inboxBytes: 0)
        }
        guard var summary else { throw CommandLineError("the store was not copied") }
        if let copied {
            summary.inboxPath = inboxCopy
            summary.inboxSegments = copied.segments
            summary.inboxBytes = copied.bytes
        }
        return summary
    }

    /// Copies the inbox's segments (`N.log`) to a temporary folder and flushes them, runs `copyStore`, then renames
    /// the folder into place; without a `folder`, only runs `copyStore`. A segment being appended to may end in a
    /// torn record: the agent cuts it when it opens the inbox.
    static func copyInbox(
        from folder: String?, to destination: String, then copyStore: () throws -> Void
    ) throws -> (segments: Int, bytes: Int64)? {
        guard let folder else {
            try copyStore()
            return nil
        }
        let files = FileManager.default
        let temporary = destination + ".partial-\(getpid())"
        try? files.removeItem(atPath: temporary)
        defer { try? files.removeItem(atPath: temporary) }
        do {
            try files.createDirectory(atPath: temporary, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            var segments = 0, bytes: Int64 = 0
            for name in try files.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".log") {
                // Read, not linked or cloned: the agent appends to the newest segment while this runs. A segment
                // gone since the listing was projected whole before the store is copied: the store's copy has it.
                guard let data = files.contents(atPath: "\(folder)/\(name)") else { continue }
                guard files.createFile(atPath: "\(temporary)/\(name)", contents: data) else {
                    throw CommandLineError("cannot write \(temporary)/\(name)")
                }
                try SQLiteFileBackup.sync("\(temporary)/\(name)")
                segments += 1
                bytes += Int64(data.count)
            }
            try SQLiteFileBackup.sync(temporary)
            try StoreCopy.run(copyStore)
            if files.fileExists(atPath: destination) { try files.removeItem(atPath: destination) }
            try files.moveItem(atPath: temporary, toPath: destination)
            try SQLiteFileBackup.sync(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
            return (segments, bytes)
        } catch let error as CommandLineError {
            throw error
        } catch let failure as StoreCopy {
            throw failure.error
        } catch {
            throw CommandLineError("cannot copy the MQTT inbox \(folder) to \(destination): \(error)")
        }
    }

    /// An error of the store's copy, carried through the inbox copy's handler unchanged.
    private struct StoreCopy: Error {
        var error: any Error

        static func run(_ copy: () throws -> Void) throws {
            do { try copy() } catch { throw StoreCopy(error: error) }
        }
    }

    /// A migration identifier's number (`12-…`), for ordering.
    static func number(_ identifier: String) -> Int {
        Int(identifier.prefix { $0.isNumber }) ?? 0
    }

    /// The store's owner.
    struct StoreIdentity: Decodable, FetchableRecord {
        var plantID: String

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id"
        }
    }
}
