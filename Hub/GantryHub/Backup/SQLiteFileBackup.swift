import Foundation
import GantryCore
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// A consistent copy of a SQLite database taken while its owner runs, with SQLite's online backup API: the copy
/// is one snapshot (one read transaction of the source), written to a temporary name beside the destination,
/// checked (`quick_check`), made readable by its owner only, fsynced and renamed into place, so the destination is either the whole backup or
/// absent. The copy is left in rollback-journal mode: one self-contained file, which the store turns back to WAL
/// when it opens it.
struct SQLiteFileBackup {
    /// The database to copy.
    var source: String
    /// Where the copy goes.
    var destination: String
    /// Whether an existing file at `destination` may be replaced.
    var force: Bool

    /// Copies the database and reads `summary` from the copy (what was written), before it is put in place.
    func run<Summary>(summary: (Database) throws -> Summary) throws -> (bytes: Int64, summary: Summary) {
        // Owner-only while written, not only once done (the chmod below states it again, whatever the umask was).
        let mask = umask(0o077)
        defer { umask(mask) }
        guard FileManager.default.fileExists(atPath: source) else {
            throw CommandLineError("there is no database at \(source) (store.path) to back up")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder) {
            if isFolder.boolValue { throw CommandLineError("--to \(destination) is a folder; name the backup file") }
            if !force { throw CommandLineError("--to \(destination) exists; pass --force to replace it") }
        }
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandLineError("the folder of --to \(destination) does not exist")
        }
        let temporary = folder + "/." + URL(fileURLWithPath: destination).lastPathComponent + ".partial-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let result: Summary
        do {
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(10)
            let from = try DatabaseQueue(path: source, configuration: readOnly)
            let copy = try DatabaseQueue(path: temporary)
            try from.backup(to: copy)
            try from.close()
            result = try copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw CommandLineError("the copy of \(source) does not pass SQLite's quick_check: \(check.prefix(3).joined(separator: "; "))")
                }
                return try summary(db)
            }
            try copy.close()
        } catch let error as CommandLineError {
            throw error
        } catch {
            throw CommandLineError("cannot back up \(source) to \(destination): \(error)")
        }
        // Readable by its owner only, whatever the umask: it holds the plant's (or every plant's) record.
        chmod(temporary, 0o600)
        try Self.sync(temporary)
        guard rename(temporary, destination) == 0 else {
            throw CommandLineError("cannot move the backup into place at \(destination): \(String(cString: strerror(errno)))")
        }
        try Self.sync(folder)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
        return (bytes, result)
    }

    /// Flushes a file or folder to disk, so the backup (and its name in the folder) survives a power loss.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw CommandLineError("cannot flush \(path) to disk: \(reason)")
        }
        close(descriptor)
    }
}
