import Foundation

/// What the file system says of a path named on the command line. The agent and the hub ask it (`LocalFiles`);
/// Core turns the answer into text or a `FileProblem`, the same way for both, without doing I/O itself.
public enum FileLookup: Sendable, Equatable {
    case missing
    case folder
    /// The file exists but cannot be read (permissions).
    case unreadable
    case contents(Data)
}

/// Files named on the command line, read whole; a file that cannot be used is a `FileProblem` naming it and
/// saying why (missing, a folder, not permitted, not UTF-8).
public enum TextFile {
    /// The file's text, which must be UTF-8.
    public static func text(_ path: String, role: String, lookup: (String) -> FileLookup) throws(FileProblem) -> String {
        guard let text = String(data: try data(path, role: role, lookup: lookup), encoding: .utf8) else {
            throw FileProblem(path: path, role: role, reason: .notText)
        }
        return text
    }

    /// The file's bytes.
    public static func data(_ path: String, role: String, lookup: (String) -> FileLookup) throws(FileProblem) -> Data {
        switch lookup(path) {
        case .missing: throw FileProblem(path: path, role: role, reason: .missing)
        case .folder: throw FileProblem(path: path, role: role, reason: .folder)
        case .unreadable: throw FileProblem(path: path, role: role, reason: .notPermitted)
        case .contents(let data): return data
        }
    }
}
