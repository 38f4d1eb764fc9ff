import Foundation

/// The elements of one bucket of a machine's time: `[start, end)`, of which only the part inside the window asked
/// for is counted.
public struct KPIBucket: Sendable, Equatable, Codable {
    /// The bucket's start, a whole multiple of its length since the Unix epoch.
    public var start: Date
    /// The bucket's end: its start plus its length.
    public var end: Date
    /// What happened in the bucket, within the window asked for.
    public var elements: KPIElements

    public init(start: Date, end: Date, elements: KPIElements) {
        self.start = start
        self.end = end
        self.elements = elements
    }
}
