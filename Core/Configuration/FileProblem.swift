/// Why a file named on the command line cannot be used, in words that name the file and say what to do.
/// The executables find the facts (exists, folder, readable, UTF-8); this says them the same way in both.
public struct FileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case missing, folder, notPermitted, notText
    }

    public var path: String
    /// What the file is for, e.g. "the CSV file" or "the users file".
    public var role: String
    public var reason: Reason

    public init(path: String, role: String, reason: Reason) {
        self.path = path
        self.role = role
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .missing: "\(role) \(path) does not exist (check the path; it is relative to the current folder unless it starts with /)"
        case .folder: "\(role) \(path) is a folder, not a file"
        case .notPermitted: "\(role) \(path) cannot be opened: permission denied (run as a user who may read it)"
        case .notText: "\(role) \(path) is not UTF-8 text (save it as UTF-8, e.g. \"CSV UTF-8\" in a spreadsheet)"
        }
    }
}
