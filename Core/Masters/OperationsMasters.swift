import Foundation

/// A `kpi` master: an ISO 22400-2 indicator the company reports, with its target.
public struct KPIMaster: MasterView, Equatable {
    public static let kind = MasterKind.kpi
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    public var formula: String
    public var unit: String
    public var target: Decimal?
    public var higherIsBetter: Bool

    private enum CodingKeys: String, CodingKey { case name, formula, unit, target, higherIsBetter }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        formula = try container.decode(String.self, forKey: .formula)
        unit = try container.decode(String.self, forKey: .unit)
        target = try container.decimalTextIfPresent(forKey: .target)
        higherIsBetter = try container.decode(Bool.self, forKey: .higherIsBetter)
    }

    /// The formula as a known KPI; nil for one this build does not know.
    public var kpiFormula: KPIFormula? { KPIFormula(rawValue: formula) }
}

/// A `downtime-reason` master: a reason code machines and operators give for a stop.
public struct DowntimeReasonMaster: MasterView, Equatable {
    /// Which OEE factor the loss counts against.
    public enum LossClass: String, Sendable, Codable, CaseIterable { case availability, performance, quality }

    public static let kind = MasterKind.downtimeReason
    public var key = ""
    public var company: String?
    public var active = true
    public var lossClass: LossClass
    /// A failure (counts for MTBF/MTTR) rather than a planned or organisational stop.
    public var failure: Bool
    public var description: String

    private enum CodingKeys: String, CodingKey {
        case lossClass = "class", failure, description
    }
}

/// A `machine-rate` master (key: `PLANT.LINE.MACHINE`, as a count's topic names the machine; company-scoped): the
/// machine's planned run time per unit (PRI, the ideal cycle time) in seconds, and the items it makes at another
/// rate. A count naming one of those items is rated at the item's rate, any other count at the machine's; with
/// neither the count stays unrated (`MachineRates`, docs/kpis.md).
public struct MachineRateMaster: MasterView, Equatable {
    /// One item's own rate on the machine.
    public struct ItemRate: Sendable, Equatable, Decodable {
        public var item: String
        /// Seconds per unit, more than 0.
        public var secondsPerUnit: Decimal

        private enum CodingKeys: String, CodingKey { case item, secondsPerUnit }

        public init(item: String, secondsPerUnit: Decimal) {
            self.item = item
            self.secondsPerUnit = secondsPerUnit
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            item = try container.decode(String.self, forKey: .item)
            secondsPerUnit = try container.decimalText(forKey: .secondsPerUnit)
        }
    }

    public static let kind = MasterKind.machineRate
    public var key = ""
    public var company: String?
    public var active = true
    /// The machine's own rate, seconds per unit; nil when only its items are rated.
    public var secondsPerUnit: Decimal?
    /// Items made at another rate than the machine's.
    public var items: [ItemRate]

    private enum CodingKeys: String, CodingKey { case secondsPerUnit, items }

    public init(key: String, company: String?, active: Bool = true, secondsPerUnit: Decimal?, items: [ItemRate] = []) {
        self.key = key
        self.company = company
        self.active = active
        self.secondsPerUnit = secondsPerUnit
        self.items = items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        secondsPerUnit = try container.decimalTextIfPresent(forKey: .secondsPerUnit)
        items = try container.decodeIfPresent([ItemRate].self, forKey: .items) ?? []
    }

    /// The key of the rate of `machine` at `plant`: `PLANT.LINE.MACHINE`.
    public static func key(plant: String, machine: MachineID) -> String { "\(plant).\(machine.line).\(machine.machine)" }

    /// The plant a key names (its part before the first `.`), if it is a plant id `COMPANY-PLANT` followed by a line
    /// and a machine.
    public static func plant(ofKey key: String) -> String? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.dropFirst().allSatisfy({ !$0.isEmpty }) else { return nil }
        let halves = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2, let identity = try? PlantIdentity(company: String(halves[0]), code: String(halves[1])),
              identity.plantID == parts[0] else { return nil }
        return identity.plantID
    }
}
