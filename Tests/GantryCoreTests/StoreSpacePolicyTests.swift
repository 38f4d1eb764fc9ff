import Foundation
import GantryCore
import Testing

/// The store's disk against its reserve and alarm level: `StoreSpacePolicy` decides the level and refuses writes
/// below the reserve with 507 naming the free and the required bytes.
@Suite struct StoreSpacePolicyTests {
    static let mib: Int64 = 1 << 20

    /// (reserve, alarm, free MiB of a 1,000 MiB filesystem, level)
    static let levels: [(StoreSpacePolicy.Amount, StoreSpacePolicy.Amount, Int64, StoreSpacePolicy.Level)] = [
        (.bytes(64 * mib), .bytes(512 * mib), 600, .ok),
        (.bytes(64 * mib), .bytes(512 * mib), 512, .ok),     // exactly at the alarm level: not below it
        (.bytes(64 * mib), .bytes(512 * mib), 511, .low),
        (.bytes(64 * mib), .bytes(512 * mib), 64, .low),     // exactly at the reserve: still admitted
        (.bytes(64 * mib), .bytes(512 * mib), 63, .full),
        (.bytes(64 * mib), .bytes(512 * mib), 0, .full),
        // 5 % of 1,000 MiB is 50 MiB; 20 % is 200 MiB.
        (.percent(5), .percent(20), 50, .low),
        (.percent(5), .percent(20), 49, .full),
        (.percent(5), .percent(20), 200, .ok),
        (.percent(5), .percent(20), 199, .low),
        // An alarm level below the reserve is lifted to it: there is no "full but not low".
        (.bytes(100 * mib), .bytes(10 * mib), 99, .full),
        (.bytes(100 * mib), .bytes(10 * mib), 100, .ok),
        // No reserve: never full.
        (.bytes(0), .bytes(0), 0, .ok),
    ]

    @Test(arguments: levels) func theLevelFollowsFreeSpace(
        reserve: StoreSpacePolicy.Amount, alarm: StoreSpacePolicy.Amount, freeMiB: Int64, level: StoreSpacePolicy.Level
    ) {
        let policy = StoreSpacePolicy(reserve: reserve, alarm: alarm)
        let space = StoreSpace(free: freeMiB * Self.mib, total: 1000 * Self.mib)
        #expect(policy.level(space) == level)
        do {
            try policy.admit(space)
            #expect(level != .full, "a full disk is refused")
        } catch {
            #expect(level == .full)
            #expect(error.free == freeMiB * Self.mib)
            #expect(error.required == policy.thresholds(space).reserve)
        }
    }

    @Test func theRefusalIs507NamingFreeAndRequiredBytes() {
        let problem = InsufficientStorage(free: 1_234, required: 65_536).problem
        #expect(problem.status == 507)
        #expect(problem.code == "insufficient-storage")
        #expect(problem.detail.contains("1234 bytes free") && problem.detail.contains("keeps 65536 in reserve"))
    }

    /// (text, amount; nil: refused)
    static let amounts: [(String, StoreSpacePolicy.Amount?)] = [
        ("64MiB", .bytes(64 << 20)), ("1048576", .bytes(1_048_576)), ("0", .bytes(0)), ("5%", .percent(5)), ("0%", .percent(0)),
        ("100%", nil), ("-5", nil), ("-1%", nil), ("lots", nil), ("", nil), ("2GiB", .bytes(2 << 30)),
    ]

    @Test(arguments: amounts) func amountsAreSizesOrShares(text: String, amount: StoreSpacePolicy.Amount?) {
        #expect(StoreSpacePolicy.Amount.parse(text) == amount)
    }

    @Test func aShareIsTakenOfTheFilesystemWithoutOverflow() {
        // 3 % of 1,000 bytes is 30; 7 % of 8 EiB - 1 must not overflow: (2^63 - 1) / 100 * 7 + 7 * 7 / 100.
        #expect(StoreSpacePolicy.Amount.percent(3).bytes(ofTotal: 1_000) == 30)
        #expect(StoreSpacePolicy.Amount.percent(7).bytes(ofTotal: .max) == Int64.max / 100 * 7 + (Int64.max % 100) * 7 / 100)
    }
}
