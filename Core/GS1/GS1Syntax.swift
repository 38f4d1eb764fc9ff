import Foundation

/// The syntax of GS1 Application Identifiers, built once from `GS1Dictionary`.
public struct GS1AIDefinition: Sendable, Equatable {
    /// The AI, e.g. `01`, `3103`.
    public var ai: String
    /// Predefined length: no FNC1 separator needed after it.
    public var predefinedLength: Bool
    /// The data field's parts, in order.
    public var components: [GS1Component]
    /// Each inner list is a requirement: one of its AIs (or patterns such as `31nn`) must be present too.
    public var requires: [[String]]
    /// AIs (or patterns) that must not be present with this one.
    public var excludes: [String]
    /// GS1 Digital Link: whether it is a primary key, and its ordered qualifier sequences.
    public var digitalLinkKey: Bool
    public var digitalLinkQualifiers: [[String]]
    /// The AI's data title, e.g. `BATCH/LOT`.
    public var title: String

    /// The shortest and longest data field.
    public var lengths: ClosedRange<Int> {
        let minimum = components.filter { !$0.optional }.reduce(0) { $0 + $1.lengths.lowerBound }
        return minimum...components.reduce(0) { $0 + $1.lengths.upperBound }
    }
}

/// One part of an AI's data field.
public struct GS1Component: Sendable, Equatable {
    public var characters: GS1CharacterSet
    public var lengths: ClosedRange<Int>
    public var optional: Bool
    /// Names of the content checks (`csum`, `yymmd0`, …) applied to this part.
    public var linters: [String]

    var isFixed: Bool { lengths.lowerBound == lengths.upperBound }
}

/// The character sets GS1 data fields are drawn from.
public enum GS1CharacterSet: Sendable, Equatable {
    /// Digits.
    case numeric
    /// GS1 AI encodable character set 82.
    case cset82
    /// GS1 AI encodable character set 39.
    case cset39
    /// GS1 AI encodable character set 64 (base64url with `=` padding).
    case cset64

    func allows(_ byte: UInt8) -> Bool {
        switch self {
        case .numeric: return byte.isDigit
        case .cset82: return Self.cset82Table[Int(byte)]
        case .cset39: return byte.isDigit || byte.isUpper || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
        case .cset64: return byte.isDigit || byte.isUpper || byte.isLower || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "=")
        }
    }

    var name: String {
        switch self {
        case .numeric: return "digits"
        case .cset82: return "GS1 character set 82"
        case .cset39: return "GS1 character set 39"
        case .cset64: return "GS1 character set 64"
        }
    }

    private static let cset82Table: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return byte.isDigit || byte.isUpper || byte.isLower || Array("!\"%&'()*+,-./:;<=>?_".utf8).contains(byte)
    }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isUpper: Bool { self >= 0x41 && self <= 0x5A }
    var isLower: Bool { self >= 0x61 && self <= 0x7A }
}

/// The table of every AI, and the GS1 rule for AIs it does not know.
public enum GS1Syntax {
    /// Every AI of the dictionary, ranges expanded.
    public static let definitions: [String: GS1AIDefinition] = {
        var table: [String: GS1AIDefinition] = [:]
        for line in GS1Dictionary.text.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            precondition(fields.count == 7, "malformed GS1 dictionary line: \(line)")
            let components = fields[2].split(separator: " ").map { parseComponent(String($0)) }
            let requires = fields[3].isEmpty ? [] : fields[3].split(separator: ";").map { $0.split(separator: ",").map(String.init) }
            let excludes = fields[4].isEmpty ? [] : fields[4].split(separator: ",").map(String.init)
            let key = fields[5].hasPrefix("dlpkey")
            let qualifiers = fields[5].hasPrefix("dlpkey=")
                ? fields[5].dropFirst(7).split(separator: "/").map { $0.split(separator: ",").map(String.init) } : []
            for ai in expand(fields[0]) {
                table[ai] = GS1AIDefinition(
                    ai: ai, predefinedLength: fields[1] == "*", components: components, requires: requires,
                    excludes: excludes, digitalLinkKey: key, digitalLinkQualifiers: qualifiers,
                    title: fields[6].replacingOccurrences(of: "# n", with: "# \(ai.last!)"))
            }
        }
        return table
    }()

    /// Data lengths fixed by the first two digits of an AI (GS1 General Specifications, predefined length
    /// table): valid for AIs not yet assigned, so newer labels still split correctly.
    static let predefinedPrefixes: [String: (aiLength: Int, dataLength: Int)] = {
        var table: [String: (Int, Int)] = ["00": (2, 18), "01": (2, 14), "02": (2, 14), "03": (2, 14), "04": (2, 16), "20": (2, 2), "41": (3, 13)]
        for prefix in 11...19 { table["\(prefix)"] = (2, 6) }
        for prefix in 31...36 { table["\(prefix)"] = (4, 6) }
        return table
    }()

    /// The definition of the AI that starts `digits`, trying 2, 3 and 4 digits (AIs are prefix-free).
    static func definition(startingWith digits: ArraySlice<UInt8>) -> GS1AIDefinition? {
        for length in 2...4 where digits.count >= length {
            let candidate = String(decoding: digits.prefix(length), as: UTF8.self)
            if let definition = definitions[candidate] { return definition }
        }
        return nil
    }

    private static func expand(_ range: String) -> [String] {
        let bounds = range.split(separator: "-")
        guard bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]) else { return [range] }
        return (low...high).map { String(format: "%0\(bounds[0].count)d", $0) }
    }

    private static func parseComponent(_ text: String) -> GS1Component {
        var spec = text
        var optional = false
        if spec.hasPrefix("[") {
            optional = true
            spec = spec.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
        }
        let parts = spec.split(separator: ",").map(String.init)
        let type = parts[0]
        let characters: GS1CharacterSet = switch type.first {
        case "N": .numeric
        case "Y": .cset39
        case "Z": .cset64
        default: .cset82
        }
        let lengths: ClosedRange<Int> = type.contains("..")
            ? 1...Int(type.split(separator: ".").last!)! : Int(type.dropFirst())!...Int(type.dropFirst())!
        return GS1Component(characters: characters, lengths: lengths, optional: optional, linters: Array(parts.dropFirst()))
    }
}
