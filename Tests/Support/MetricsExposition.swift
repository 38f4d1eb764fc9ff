import Foundation

/// A Prometheus text exposition read back for tests: `# TYPE` lines and samples (`name{label="value",…} value`).
/// Strict: a line that is neither a comment nor a sample is an error, so a malformed exposition fails the test.
public struct MetricsExposition: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var line: String
        public var reason: String
        public var description: String { "\(reason): \(line)" }
    }

    public private(set) var samples: [Sample] = []
    /// Each family's type by name, from the `# TYPE` lines.
    public private(set) var types: [String: String] = [:]

    public init(parsing text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw Malformed(line: line, reason: "a TYPE line is `# TYPE name type`") }
                guard types[String(parts[2])] == nil else { throw Malformed(line: line, reason: "a family typed twice") }
                types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(line))
            }
        }
    }

    /// The value of the one sample of `name` whose labels include `labels`; nil when there is none, and a
    /// failure when several match.
    public func value(_ name: String, _ labels: [String: String] = [:]) throws -> Double? {
        let matching = self.matching(name, labels)
        guard matching.count <= 1 else { throw Malformed(line: name, reason: "\(matching.count) samples match \(labels)") }
        return matching.first?.value
    }

    /// The samples of `name` whose labels include `labels`.
    public func matching(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    private static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty else { throw Malformed(line: line, reason: "no metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { throw Malformed(line: line, reason: "a label is name=\"value\"") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw Malformed(line: line, reason: "a dangling escape") }
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw Malformed(line: line, reason: "an unterminated label value") }
                rest = rest.dropFirst()
                labels[String(label)] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count), let value = Self.number(String(fields[0])) else {
            throw Malformed(line: line, reason: "a sample ends with its value")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }
}
