import Foundation
import GantryCore

/// Each plant's last clock skew, as the hub measured it from the plant's sync requests (`ClockSkew`).
public protocol PlantClockStore: Sendable {
    /// Keeps `skew`, measured at `at` on the hub's clock, as `plantID`'s last; returns the one it replaces (nil: the first).
    func recordClockSkew(plantID: String, skew: ClockSkew, at: Date) async throws -> ClockSkew?
    /// Every plant's last skew, by plant id; plants never measured are absent.
    func plantClocks() async throws -> [String: PlantClockReading]
}

/// A plant's last skew and when the hub measured it.
public struct PlantClockReading: Sendable, Equatable {
    public var skew: ClockSkew
    public var measuredAt: Date

    public init(skew: ClockSkew, measuredAt: Date) {
        self.skew = skew
        self.measuredAt = measuredAt
    }

    /// Skews are kept in whole milliseconds, far below what the measurement can tell.
    static func milliseconds(_ skew: ClockSkew) -> Int64 {
        Int64((skew.seconds * 1000).rounded())
    }
}
