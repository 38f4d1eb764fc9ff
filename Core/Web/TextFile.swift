import Foundation
import GantryCore

/// Files named on the command line, read whole; a file that cannot be read is a `FileProblem` naming it and
/// saying why (missing, a folder, not permitted, not UTF-8).
public enum TextFile {
    /// The file's text, which must be UTF-8.
    public static func read(_ path: String, role: String) throws -> String {
        guard let text = String(data: try data(path, role: role), encoding: .utf8) else {
            throw FileProblem(path: path, role: role, reason: .notText)
        }
        return text
    }

    /// The file's bytes.
    public static func data(_ path: String, role: String) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw FileProblem(path: path, role: role, reason: .missing)
        }
        guard !isFolder.boolValue else { throw FileProblem(path: path, role: role, reason: .folder) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileProblem(path: path, role: role, reason: .notPermitted)
        }
        return data
    }
}

/// Whether `path` is an existing folder.
public func isExistingFolder(_ path: String) -> Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
}
