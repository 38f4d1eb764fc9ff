import Foundation
import GantryCore

extension KPIRollup {
    /// The rate a machine's counts are rolled up at: its `machine-rate` master as the hub holds it in the transaction
    /// that rolls them up (nil data: no master). The rule is Core's (`MachineRates`); a record whose data does not
    /// read rates nothing.
    static func rates(plant: String, machine: MachineID, data: String?, active: Bool) -> MachineRates {
        let company = PlantIdentity.company(of: plant)
        guard let data, var master = try? JSONDecoder().decode(MachineRateMaster.self, from: Data(data.utf8)) else { return .none }
        master.key = MachineRateMaster.key(plant: plant, machine: machine)
        master.company = company
        master.active = active
        return MachineRates([master], company: company)
    }
}
