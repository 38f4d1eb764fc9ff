import Foundation

/// Median, median absolute deviation (MAD) and the modified z-score of Iglewicz and Hoaglin: a few outliers
/// in a history move none of them much, so they can be used to find outliers, and three numbers explain a verdict.
public enum RobustStatistics {
    /// Makes the MAD estimate the standard deviation of normally distributed values.
    public static let madScale = Decimal(string: "1.4826")!
    /// Makes the mean absolute deviation do the same; the spread used when more than half the history is one value.
    public static let meanDeviationScale = Decimal(string: "1.253314")!
    /// A modified z-score above this flags an outlier (Iglewicz and Hoaglin's recommendation).
    public static let threshold = Decimal(string: "3.5")!
    /// Fewer earlier values than this say too little to call anything an outlier.
    public static let minimumHistory = 5

    /// The middle value, or the mean of the two middle ones; nil for no values.
    public static func median(_ values: [Decimal]) -> Decimal? {
        values.isEmpty ? nil : median(sorted: values.sorted())
    }

    /// The median absolute deviation from the median (unscaled); nil for no values.
    public static func medianAbsoluteDeviation(_ values: [Decimal]) -> Decimal? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return median(sorted: deviations(sorted, from: median(sorted: sorted)))
    }

    private static func median(sorted: [Decimal]) -> Decimal {
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The absolute deviations of `sorted` from `centre`, smallest first: the values below the centre walked
    /// down and those above it walked up, merged. Decimal comparisons are slow; this spares a second sort.
    private static func deviations(_ sorted: [Decimal], from centre: Decimal) -> [Decimal] {
        var above = sorted.firstIndex { $0 >= centre } ?? sorted.count, below = above - 1
        var merged: [Decimal] = []
        merged.reserveCapacity(sorted.count)
        while below >= 0 || above < sorted.count {
            let down = below >= 0 ? centre - sorted[below] : nil, up = above < sorted.count ? sorted[above] - centre : nil
            if let down, up.map({ down <= $0 }) ?? true {
                merged.append(down)
                below -= 1
            } else if let up {
                merged.append(up)
                above += 1
            }
        }
        return merged
    }

    /// Judges `value` against `history` (the value itself not among it). Nil when the history is shorter than
    /// `minimumHistory`.
    ///
    /// The score is |value − median| / spread, the spread being 1.4826 × MAD. When the MAD is 0 (more than half
    /// the history is one value) the spread is 1.253314 × the mean absolute deviation from the median instead;
    /// when that is 0 too the history is constant, there is no score, and any other value is an outlier.
    public static func judge(_ value: Decimal, against history: [Decimal], minimumHistory: Int = minimumHistory) -> OutlierTest? {
        guard history.count >= max(minimumHistory, 1) else { return nil }
        let sorted = history.sorted(), centre = median(sorted: sorted)
        let spread = deviations(sorted, from: centre), mad = median(sorted: spread)
        let distance = abs(value - centre)
        var method = OutlierTest.Method.mad, scale = madScale * mad
        if mad == 0 {
            let meanDeviation = spread.reduce(0, +) / Decimal(history.count)
            method = meanDeviation == 0 ? .constantHistory : .meanAbsoluteDeviation
            scale = meanDeviationScale * meanDeviation
        }
        guard scale > 0 else {
            return OutlierTest(value: value, median: centre, mad: 0, spread: 0, score: nil, method: method, isOutlier: distance > 0)
        }
        let score = distance / scale
        return OutlierTest(
            value: value, median: centre, mad: mad, spread: rounded(scale, 6), score: rounded(score, 3), method: method,
            isOutlier: score > threshold)
    }

    /// `value` rounded half away from zero to `places` decimals.
    public static func rounded(_ value: Decimal, _ places: Int) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, places, .plain)
        return output
    }
}

/// The verdict on one value against its history, with the numbers that made it.
public struct OutlierTest: Sendable, Equatable, Codable {
    /// How the spread was measured.
    public enum Method: String, Sendable, Codable {
        /// 1.4826 × MAD.
        case mad
        /// 1.253314 × the mean absolute deviation from the median (the MAD was 0).
        case meanAbsoluteDeviation = "mean-absolute-deviation"
        /// Every earlier value was the same: no spread and no score; any other value is an outlier.
        case constantHistory = "constant-history"
    }

    public var value: Decimal
    public var median: Decimal
    /// The median absolute deviation from the median, unscaled.
    public var mad: Decimal
    /// What the distance from the median is divided by (0 for a constant history).
    public var spread: Decimal
    /// |value − median| / spread, to three decimals; nil for a constant history.
    public var score: Decimal?
    public var threshold: Decimal = RobustStatistics.threshold
    public var method: Method
    public var isOutlier: Bool
}
