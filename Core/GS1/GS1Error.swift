/// Scanned data that is not valid GS1, saying where and what was expected.
public struct GS1Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, e.g. `check digit is 3, expected 2`.
    public var reason: String
    /// The AI at fault, when there is one.
    public var ai: String?
    /// 1-based position in the scanned data (symbology identifier included) where the problem starts.
    public var position: Int?

    public init(_ reason: String, ai: String? = nil, position: Int? = nil) {
        self.reason = reason
        self.ai = ai
        self.position = position
    }

    public var description: String {
        switch (ai, position) {
        case let (ai?, position?): return "AI (\(ai)) at position \(position): \(reason)"
        case let (ai?, nil): return "AI (\(ai)): \(reason)"
        case let (nil, position?): return "position \(position): \(reason)"
        case (nil, nil): return reason
        }
    }
}
