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
