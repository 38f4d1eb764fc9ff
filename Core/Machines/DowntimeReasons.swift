/// The downtime reason taxonomy: every code with its loss class and whether it is a failure (which opens
/// corrective maintenance and counts for MTBF/MTTR). The hub governs it as `downtime-reason` masters; a plant
/// may also keep a file of its own codes, which the hub's records override.
public struct DowntimeReasons: Sendable, Equatable {
    /// The ISO 22400 / OEE loss a reason belongs to.
    public enum LossClass: String, Sendable, Codable, CaseIterable {
        case availability, performance, quality
    }

    public struct Reason: Sendable, Equatable, Codable {
        public var code: String
        public var lossClass: LossClass
        public var failure: Bool
        public var description: String

        public init(code: String, lossClass: LossClass, failure: Bool, description: String) {
            self.code = code
            self.lossClass = lossClass
            self.failure = failure
            self.description = description
        }
    }

    public private(set) var reasons: [String: Reason]

    public init(_ reasons: [Reason] = []) {
        self.reasons = Dictionary(reasons.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads `code,class,failure,description` lines (a header line and `#` comments allowed); errors name the line.
    public init(csv text: String, source: String) throws(ConfigurationError) {
        var reasons: [Reason] = []
        for (index, raw) in TextLines.split(text).enumerated() {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || (index == 0 && line.lowercased().hasPrefix("code,")) { continue }
            let fields = line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            let origin = "\(source):\(index + 1)"
            guard fields.count >= 3, !fields[0].isEmpty, fields[0].count <= 64 else {
                throw ConfigurationError(key: nil, origin: origin, reason: "expected code,class,failure[,description]")
            }
            guard let lossClass = LossClass(rawValue: fields[1].lowercased()) else {
                throw ConfigurationError(key: nil, origin: origin, reason: "class must be availability, performance or quality")
            }
            guard let failure = ["yes": true, "true": true, "1": true, "no": false, "false": false, "0": false][fields[2].lowercased()] else {
                throw ConfigurationError(key: nil, origin: origin, reason: "failure must be yes or no")
            }
            guard !reasons.contains(where: { $0.code == fields[0] }) else {
                throw ConfigurationError(key: nil, origin: origin, reason: "code \(fields[0]) appears twice")
            }
            reasons.append(Reason(code: fields[0], lossClass: lossClass, failure: failure, description: fields.count > 3 ? fields[3] : ""))
        }
        self.init(reasons)
    }

    public subscript(code: String?) -> Reason? { code.flatMap { reasons[$0] } }

    /// These reasons with the hub's `downtime-reason` records laid over them: an active record adds or replaces
    /// its code, a retired one removes it (a machine still sending it is then flagged as unknown).
    public func overlaid(with records: [MasterRecord]) -> DowntimeReasons {
        var merged = self
        for record in records where record.kind == .downtimeReason {
            guard record.active, case .object(let data) = record.data, case .string(let name)? = data["class"],
                  let lossClass = LossClass(rawValue: name), case .bool(let failure)? = data["failure"] else {
                merged.reasons[record.key] = nil
                continue
            }
            var description = ""
            if case .string(let text)? = data["description"] { description = text }
            merged.reasons[record.key] = Reason(code: record.key, lossClass: lossClass, failure: failure, description: description)
        }
        return merged
    }
}
