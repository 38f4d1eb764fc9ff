import Foundation
@testable import GantryCore
import Testing

/// Landed costs split by largest remainder: the parts always sum to the charge.
@Suite struct LandedCostTests {
    /// Amount (minor units), weights, and the parts worked out by hand.
    @Test(arguments: [
        (Int64(10_000), ["1500", "50"], [Int64(9_677), 323]),        // 9,677.42 and 322.58: the leftover cent to .58
        (3_333, ["7200", "200"], [3_243, 90]),                        // 3,242.92 and 90.08
        (100, ["1", "1", "1"], [34, 33, 33]),                         // a tie: the earlier line first
        (2, ["1", "1", "1"], [1, 1, 0]),
        (-100, ["1", "1", "1"], [-34, -33, -33]),
        (1_000, ["0", "3"], [0, 1_000]),
        (7, ["0.1", "0.2", "0.7"], [1, 1, 5]),                        // 0.7, 1.4, 4.9: two cents left, to .9 and .7
    ] as [(Int64, [String], [Int64])])
    func partsSumExactlyToTheCharge(amount: Int64, weights: [String], parts: [Int64]) throws {
        let allocated = try LandedCost.allocate(amount, over: weights.map { Decimal(string: $0)! })
        #expect(allocated == parts)
        #expect(allocated.reduce(0, +) == amount)
    }

    @Test(arguments: [[], ["0", "0"], ["1", "-1"]] as [[String]])
    func weightsThatCannotSplitAreRefused(weights: [String]) {
        #expect(throws: AccountingRefusal.self) { try LandedCost.allocate(100, over: weights.map { Decimal(string: $0)! }) }
    }
}
