import Foundation
import GantryCore
import Testing

@Suite struct RobustStatisticsTests {
    func decimals(_ values: [String]) -> [Decimal] { values.map { Decimal(string: $0)! } }

    @Test func medianAndMedianAbsoluteDeviation() {
        #expect(RobustStatistics.median([]) == nil)
        #expect(RobustStatistics.median([3, 1, 2]) == 2)
        #expect(RobustStatistics.median([4, 1, 3, 2]) == Decimal(string: "2.5"))
        #expect(RobustStatistics.medianAbsoluteDeviation([1, 2, 3, 4, 100]) == 1, "the outlier moves neither the median nor the MAD")
        #expect(RobustStatistics.medianAbsoluteDeviation([]) == nil)
    }

    @Test func theMADAgreesWithSortingTheDeviations() {
        // Odd and even counts, ties, negatives, values on both sides of the median.
        for count in 1...15 {
            let values = (0..<count).map { Decimal(($0 * 7 + count * 3) % 11) / 4 - 1 }
            let sorted = values.sorted(), middle = count / 2
            let centre = count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            let deviations = values.map { abs($0 - centre) }.sorted()
            let mad = count % 2 == 1 ? deviations[middle] : (deviations[middle - 1] + deviations[middle]) / 2
            #expect(RobustStatistics.median(values) == centre && RobustStatistics.medianAbsoluteDeviation(values) == mad, "\(values)")
        }
    }

    @Test func aFarValueIsFlaggedAndANearOneIsNot() throws {
        let history = decimals(["1.00", "1.02", "0.98", "1.01", "0.99"])
        let far = try #require(RobustStatistics.judge(Decimal(string: "1.50")!, against: history))
        #expect(far.isOutlier && far.method == .mad)
        #expect(far.median == 1 && far.mad == Decimal(string: "0.01") && far.spread == Decimal(string: "0.014826"))
        #expect(far.score == Decimal(string: "33.725") && far.threshold == Decimal(string: "3.5"))
        let near = try #require(RobustStatistics.judge(Decimal(string: "1.03")!, against: history))
        #expect(!near.isOutlier && near.score == Decimal(string: "2.023"))
    }

    @Test func theThresholdIsExclusive() throws {
        let history: [Decimal] = [100, 101, 99, 100, 102, 98]
        #expect(RobustStatistics.judge(105, against: history)?.isOutlier == false, "5 / 1.4826 = 3.37")
        #expect(RobustStatistics.judge(106, against: history)?.isOutlier == true, "6 / 1.4826 = 4.05")
        #expect(RobustStatistics.judge(94, against: history)?.isOutlier == true, "below counts as much as above")
    }

    @Test func aZeroMADFallsBackToTheMeanAbsoluteDeviation() throws {
        // More than half the history is 100: the MAD is 0, the mean absolute deviation (10 / 5 = 2) is not.
        let history: [Decimal] = [100, 100, 100, 100, 110]
        let far = try #require(RobustStatistics.judge(110, against: history))
        #expect(far.method == .meanAbsoluteDeviation && far.mad == 0 && far.spread == Decimal(string: "2.506628"))
        #expect(far.isOutlier && far.score == Decimal(string: "3.989"))
        #expect(RobustStatistics.judge(105, against: history)?.isOutlier == false)
    }

    @Test func aConstantHistoryFlagsAnyOtherValueWithoutAScore() throws {
        let history: [Decimal] = [7, 7, 7, 7, 7]
        let same = try #require(RobustStatistics.judge(7, against: history))
        #expect(!same.isOutlier && same.score == nil && same.method == .constantHistory)
        let other = try #require(RobustStatistics.judge(Decimal(string: "7.01")!, against: history))
        #expect(other.isOutlier && other.score == nil && other.spread == 0)
    }

    @Test func tinyHistoriesJudgeNothing() {
        #expect(RobustStatistics.judge(1_000, against: [1, 1, 1, 1]) == nil, "four earlier values are too few")
        #expect(RobustStatistics.judge(1_000, against: []) == nil)
        #expect(RobustStatistics.judge(1_000, against: [], minimumHistory: 0) == nil, "never a verdict from nothing")
        #expect(RobustStatistics.judge(5, against: [5], minimumHistory: 1)?.isOutlier == false)
    }
}
