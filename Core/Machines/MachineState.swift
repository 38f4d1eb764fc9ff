/// A machine's state by name (PackML numbers differ between standards, names do not), mapped onto the
/// ISO 22400 time elements.
public enum MachineState: String, Codable, Sendable, CaseIterable {
    /// Actual production time (APT).
    case running
    /// Actual unit setup time (AUST).
    case setup
    /// Actual unit delay time (ADET): ready but not producing.
    case idle
    /// Actual unit down time (ADOT).
    case down
    /// Planned downtime: outside planned busy time.
    case plannedStop = "planned_stop"
    /// No signal: broker lost, agent restarted, or nothing heard yet. Never counted as downtime.
    case unknown

    /// The states a machine may report; `unknown` is Gantry's own.
    public static let reportable: [MachineState] = [.running, .setup, .idle, .down, .plannedStop]
}

/// A machine on a line of a plant, as its topic names it.
public struct MachineID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var line: String
    public var machine: String

    public init(line: String, machine: String) {
        self.line = line
        self.machine = machine
    }

    public var description: String { "\(line)/\(machine)" }

    /// Line and machine names: 1 to 64 ASCII letters, digits, `-`, `_` or `.` (safe in topics and paths).
    public static func isValidName(_ text: String) -> Bool {
        (1...64).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    public static func < (lhs: MachineID, rhs: MachineID) -> Bool {
        (lhs.line, lhs.machine) < (rhs.line, rhs.machine)
    }
}
