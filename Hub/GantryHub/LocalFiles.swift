import Foundation
import GantryCore

/// The local file system, asked for what Core's file rules need (`FileLookup`, `isFolder`).
public enum LocalFiles {
    /// What the file system says of `path`.
    public static func lookup(_ path: String) -> FileLookup {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .missing }
        guard !isFolder.boolValue else { return .folder }
        return FileManager.default.contents(atPath: path).map(FileLookup.contents) ?? .unreadable
    }

    /// Whether `path` is an existing folder.
    public static func isFolder(_ path: String) -> Bool {
        lookup(path) == .folder
    }

    /// The UTF-8 text of a file named on the command line or in the configuration; `role` says what it is for.
    public static func text(_ path: String, role: String) throws -> String {
        try TextFile.text(path, role: role, lookup: lookup)
    }

    /// The bytes of a file named on the command line.
    public static func data(_ path: String, role: String) throws -> Data {
        try TextFile.data(path, role: role, lookup: lookup)
    }

    /// A SQLite database's bytes on disk: the main file and its write-ahead log (`-wal`), which holds committed
    /// pages not yet checkpointed into the file. A file that is not there counts 0.
    public static func sqliteBytes(_ path: String) -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
