/// Figures read at scrape time (from a store, a status board), written in the Prometheus text format after what
/// the registry counted. Each family is written once, with its `# HELP` and `# TYPE` lines.
public struct ScrapeText: Sendable {
    /// A metric's type as the exposition names it.
    public enum Kind: String, Sendable {
        case counter, gauge
    }

    /// One sample: its labels and value.
    public struct Sample: Sendable {
        /// Label names and values, in the order written.
        public var labels: [(String, String)]
        public var value: Double

        /// A sample of a fractional figure (seconds, ages).
        public init(_ labels: [(String, String)] = [], _ value: Double) {
            self.labels = labels
            self.value = value
        }

        /// A sample of a count (events, bytes).
        public init(_ labels: [(String, String)] = [], _ value: Int64) {
            self.init(labels, Double(value))
        }
    }

    /// The families added so far, in the text format.
    public private(set) var text = ""

    /// No family yet.
    public init() {}

    /// Adds the family `name`; a family with no samples is written with its help and type only.
    public mutating func add(_ name: String, _ kind: Kind, help: String, _ samples: [Sample]) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{" + sample.labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " \(Self.formatted(sample.value))\n"
        }
    }

    /// Adds a family of one sample.
    public mutating func add(_ name: String, _ kind: Kind, help: String, _ labels: [(String, String)] = [], _ value: Double) {
        add(name, kind, help: help, [Sample(labels, value)])
    }

    /// A label value with `\`, `"` and line feeds escaped, as the text format asks.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Whole numbers without a fraction (counts, bytes), others as Swift prints a Double.
    static func formatted(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
