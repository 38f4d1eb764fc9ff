import Foundation

/// What a label says about a lot against what the plant already holds for it. A lot has one expiry (AI 17), one
/// best-before date (AI 15) and one production date (AI 11): a label that names another one for a known lot is
/// refused, never dropped, so no lot is issued after a label of it says it expired. A date the lot does not have
/// yet is taken from the label.
public enum LotLabel {
    /// A lot's dates, each `YYYY-MM-DD` or nil when no label named it.
    public struct Dates: Sendable, Equatable {
        public var expiry: String?
        public var bestBefore: String?
        public var produced: String?

        public init(expiry: String? = nil, bestBefore: String? = nil, produced: String? = nil) {
            self.expiry = expiry
            self.bestBefore = bestBefore
            self.produced = produced
        }
    }

    /// One date on which the label and the lot disagree.
    public struct Conflict: Sendable, Equatable {
        /// The request field: `expiry`, `bestBefore` or `productionDate`.
        public var field: String
        /// The GS1 application identifier that carries it.
        public var ai: String
        public var known: String
        public var label: String

        public var description: String { "\(field) (AI \(ai)) \(known) is known for the lot, this label says \(label)" }
    }

    public enum Decision: Sendable, Equatable {
        /// The lot's dates from now on (the known ones, with dates it lacked taken from the label).
        case accepted(Dates)
        case refused([Conflict])
    }

    /// Decides a label of a lot the plant holds as `known` (nil: a new lot).
    public static func decide(known: Dates?, label: Dates) -> Decision {
        guard let known else { return .accepted(label) }
        var conflicts: [Conflict] = []
        func merge(_ known: String?, _ label: String?, _ field: String, _ ai: String) -> String? {
            if let known, let label, known != label { conflicts.append(Conflict(field: field, ai: ai, known: known, label: label)) }
            return known ?? label
        }
        let merged = Dates(
            expiry: merge(known.expiry, label.expiry, "expiry", "17"),
            bestBefore: merge(known.bestBefore, label.bestBefore, "bestBefore", "15"),
            produced: merge(known.produced, label.produced, "productionDate", "11"))
        return conflicts.isEmpty ? .accepted(merged) : .refused(conflicts)
    }
}
