import Foundation

extension ConfigurationError {
    /// A store in a folder that does not exist cannot be created: say so, naming `store.path`, before SQLite says
    /// "unable to open database file". `isFolder` answers whether a path is an existing folder (the caller asks the
    /// file system; Core does no I/O). `program` is whose store it is ("agent", "hub"); `instead` what else the
    /// operator may set.
    public static func checkStoreFolder(
        of path: String, program: String, instead: String, isFolder: (String) -> Bool
    ) throws(ConfigurationError) {
        let folder = (path as NSString).deletingLastPathComponent
        guard isFolder(folder.isEmpty ? "." : folder) else {
            throw ConfigurationError(
                key: "store.path", origin: nil,
                reason: "the folder \(folder) of the \(program)'s store \(path) does not exist: create it, writable by the "
                    + "\(program)'s user, or set \(instead)")
        }
    }
}
