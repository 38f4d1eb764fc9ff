import Foundation

/// How finely the database keeps a window's sums apart: per company, plant, line or machine (the finest level a
/// caller reads; the coarser columns are then `""`). The elements are sums, and failures and repair time are sums
/// of stops and seconds per company and reason, so a node at or above the depth reads the same figures either way.
public enum KPIRollupDepth: Int, Sendable, Comparable {
    case company = 1, plant, line, machine

    /// The depth that keeps the nodes of `level` apart (the group's are per company: reasons are per company).
    init(_ level: KPIQuery.Level) {
        switch level {
        case .group, .company: self = .company
        case .plant: self = .plant
        case .line: self = .line
        case .machine: self = .machine
        }
    }

    /// The key columns below the company, each with the depth that keeps it.
    private static let columns: [(name: String, depth: KPIRollupDepth)] = [("plant_id", .plant), ("line", .line), ("machine", .machine)]

    /// The key columns as selected, `""` below the depth, named as the rows name them.
    var keyColumns: String {
        (["company"] + Self.columns.map { self >= $0.depth ? $0.name : "'' AS \($0.name)" }).joined(separator: ", ")
    }

    /// The same columns as grouped by.
    var groupColumns: String {
        (["company"] + Self.columns.filter { self >= $0.depth }.map(\.name)).joined(separator: ", ")
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
