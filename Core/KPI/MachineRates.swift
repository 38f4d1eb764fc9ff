import Foundation

/// The planned run time per unit (PRI) of each machine of a company, from its governed `machine-rate` masters:
/// which rate a machine's count is rolled up at. A pure lookup, the same at the hub (its rollup writers) and at
/// the agent (its pages), so both rate a count alike.
///
/// The rule (`plannedSecondsPerUnit`): a count that names an item the machine's master rates gets that item's
/// rate; any other count (no item, or an item without its own rate) the machine's own; a machine without an
/// active master, or a master rating only other items, leaves the count unrated (`nil`), so effectiveness and
/// OEE have no value rather than a wrong one.
public struct MachineRates: Sendable, Equatable {
    /// The active masters, by key (`PLANT.LINE.MACHINE`).
    public private(set) var masters: [String: MachineRateMaster]

    /// The active masters among `masters` that belong to `company` (a master of another company, or retired, rates
    /// nothing).
    public init(_ masters: [MachineRateMaster], company: String) {
        var byKey: [String: MachineRateMaster] = [:]
        for master in masters where master.active && master.company == company { byKey[master.key] = master }
        self.masters = byKey
    }

    /// The `machine-rate` records among `records` (records of other kinds are ignored).
    public init(records: [MasterRecord], company: String) {
        self.init(records.compactMap(MachineRateMaster.init), company: company)
    }

    /// No machine rated.
    public static let none = MachineRates([], company: "")

    /// PRI in seconds for a count of `machine` at `plant` that names `item` (if any); nil when unrated.
    public func plannedSecondsPerUnit(plant: String, machine: MachineID, item: String? = nil) -> Decimal? {
        guard let master = masters[MachineRateMaster.key(plant: plant, machine: machine)] else { return nil }
        return master.plannedSecondsPerUnit(item: item)
    }

    /// `count` with the PRI of `machine` at `plant` for `item`.
    public func rated(_ count: KPICount, plant: String, machine: MachineID, item: String? = nil) -> KPICount {
        var rated = count
        rated.plannedSecondsPerUnit = plannedSecondsPerUnit(plant: plant, machine: machine, item: item)
        return rated
    }
}

extension MachineRateMaster {
    /// The rate of a count naming `item`: the item's own if the master lists it, else the machine's (nil when the
    /// master rates only other items).
    public func plannedSecondsPerUnit(item: String?) -> Decimal? {
        if let item, let own = items.first(where: { $0.item == item }) { return own.secondsPerUnit }
        return secondsPerUnit
    }
}
