import Foundation

/// Where a maintenance request stands.
public enum MaintenanceRequestState: String, Sendable, Equatable, CaseIterable {
    case open, completed
}

/// The rules of maintenance requests and plans as pure decisions: one open request per machine (corrective) or
/// per plan (preventive), completion once, and what a request or a plan must say.
public enum MaintenanceRequestRules {
    /// Whether a request of `kind` may open: a corrective one unless one is open for the machine
    /// (`openForMachine`), a preventive one unless one of its plan is open (`openForPlan`).
    public static func mayOpen(kind: String, openForMachine: Bool, openForPlan: Bool) -> Bool {
        kind == "corrective" ? !openForMachine : !openForPlan
    }

    /// Completing request `id` in `state` (nil: no such request): only an open one completes.
    public static func complete(_ id: UUID, state: MaintenanceRequestState?) throws(MaintenanceRefusal) {
        guard let state else { throw MaintenanceRefusal(.notFound, "no maintenance request \(id)") }
        guard state == .open else { throw MaintenanceRefusal(.alreadyCompleted, "maintenance request \(id) is already completed") }
    }

    /// The machine a request or plan names: line and machine are local codes.
    public static func machine(line: String, machine: String) throws(MaintenanceRefusal) -> MachineID {
        guard MachineID.isValidName(line) else {
            throw MaintenanceRefusal(.invalidRequest, "line must be 1 to 64 letters, digits, '-', '_' or '.'", field: "line")
        }
        guard MachineID.isValidName(machine) else {
            throw MaintenanceRefusal(.invalidRequest, "machine must be 1 to 64 letters, digits, '-', '_' or '.'", field: "machine")
        }
        return MachineID(line: line, machine: machine)
    }

    /// Spare parts used: an item of 1 to 64 characters and a positive decimal quantity such as `2` or `0.5`.
    public static func checkParts(_ parts: [SparePart]) throws(MaintenanceRefusal) {
        for (index, part) in parts.enumerated() {
            guard !part.item.isEmpty, part.item.count <= 64 else {
                throw MaintenanceRefusal(.invalidPart, "item must be 1 to 64 characters", field: "parts[\(index)].item")
            }
            guard let quantity = Decimal(string: part.quantity, locale: Locale(identifier: "en_US_POSIX")), quantity > 0,
                  part.quantity.allSatisfy({ $0.isNumber || $0 == "." })
            else {
                throw MaintenanceRefusal(
                    .invalidPart, "quantity must be a positive decimal such as 2 or 0.5", field: "parts[\(index)].quantity")
            }
        }
    }

    /// A preventive plan for a machine: every 1 to 3660 days, every 1 or more good parts, or both, with a
    /// description of 1 to 200 characters; created `at`.
    public static func plan(
        id: UUID, line: String, machine: String, everyDays: Int?, everyGoodParts: Int64?, description: String, at: Date
    ) throws(MaintenanceRefusal) -> MaintenancePlan {
        let named = try self.machine(line: line, machine: machine)
        guard everyDays != nil || everyGoodParts != nil else {
            throw MaintenanceRefusal(.invalidPlan, "a plan needs everyDays, everyGoodParts or both", field: "everyDays")
        }
        if let days = everyDays, !(1...3660).contains(days) {
            throw MaintenanceRefusal(.invalidPlan, "everyDays must be from 1 to 3660", field: "everyDays")
        }
        if let parts = everyGoodParts, parts < 1 {
            throw MaintenanceRefusal(.invalidPlan, "everyGoodParts must be 1 or more", field: "everyGoodParts")
        }
        guard !description.isEmpty, description.count <= 200 else {
            throw MaintenanceRefusal(.invalidPlan, "description must be 1 to 200 characters", field: "description")
        }
        return MaintenancePlan(
            planId: id, line: named.line, machine: named.machine, everyDays: everyDays, everyGoodParts: everyGoodParts,
            description: description, createdAt: at)
    }
}
