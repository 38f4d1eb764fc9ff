import Foundation

/// The hard material gate: a work order is released only with every component reserved for its whole quantity,
/// and consumes within what is reserved for it. An override by a permitted role, with a reason, lets it through
/// short or beyond its reservation, and is recorded.
public enum MaterialGate {
    /// An override of the release gate must come from a permitted role and say who and why; checked before any
    /// material is looked at.
    public static func checkReleaseOverride(_ override: Override?, permittedRoles: Set<String>) throws(ProductionRefusal) {
        guard let override else { return }
        guard permittedRoles.contains(override.role) else {
            throw ProductionRefusal(
                .overridePermission,
                "the role \(override.role) may not override the material gate (allowed: \(permittedRoles.sorted().joined(separator: ", ")))")
        }
        guard !override.reason.trimmingCharacters(in: .whitespaces).isEmpty, !override.by.isEmpty else {
            throw ProductionRefusal(.invalid, "an override names who overrides and why")
        }
    }

    /// Release with the components that could not be reserved (`shortages`): refused without an override, naming
    /// each short component's figures and the free stock elsewhere that could be moved to `source` (`free`, read
    /// only when something is short). Returns the shortages the release event records (only an override records them).
    public static func release(
        _ workOrder: String, source: String, shortages: [Shortage], override: Override?, free: [Readiness.Place: Quantity]
    ) throws(ProductionRefusal) -> [Shortage] {
        guard override == nil else { return shortages }
        guard shortages.isEmpty else {
            throw ProductionRefusal(
                .shortage, "\(workOrder) cannot be released: " + shortages.map { shortage in
                    "\(shortage.item) needs \(shortage.needed), \(shortage.onHand) on hand at \(source), \(shortage.reservedElsewhere) reserved elsewhere, \(shortage.short) short"
                        + toMove(shortage.item, to: source, free: free)
                }.joined(separator: "; "),
                shortages: shortages)
        }
        return []
    }

    /// Free stock of `item` at other locations than `location`, as a release refusal names it: ` (12 free at LINE:
    /// move it to STORE first)`, or nothing.
    public static func toMove(_ item: String, to location: String, free: [Readiness.Place: Quantity]) -> String {
        let places = free.filter { $0.key.item == item && $0.key.location != location && $0.value > .zero }
            .sorted { $0.key.location < $1.key.location }
        guard !places.isEmpty else { return "" }
        return " (" + places.map { "\($0.value) free at \($0.key.location)" }.joined(separator: ", ") + ": move it to \(location) first)"
    }

    /// Consuming `quantity` of `item` for `workOrder`, which has `reserved` of it: within the reservation it goes
    /// through; beyond it only with an override by a permitted role with a reason. Returns the sentence the answer
    /// adds when an override carried it beyond the reservation, or nil.
    public static func consume(
        _ workOrder: String, item: String, quantity: Quantity, reserved: Quantity, override: Override?, permittedRoles: Set<String>
    ) throws(ProductionRefusal) -> String? {
        guard quantity > reserved else { return nil }
        guard let override else {
            throw ProductionRefusal(
                .beyondReservation, "\(workOrder) has \(reserved) of \(item) reserved; consuming \(quantity) needs an override with a reason")
        }
        guard permittedRoles.contains(override.role), !override.reason.isEmpty else {
            throw ProductionRefusal(.overridePermission, "the role \(override.role) may not consume beyond the reservation")
        }
        return " Beyond the reservation by \(quantity - reserved), allowed by \(override.by) (\(override.role)): \(override.reason)."
    }

    /// The first-level components `quantity` of an item needs from `bom`, scrap allowances included.
    public static func componentLines(
        _ workOrder: String, quantity: Quantity, bom: BOMDefined
    ) throws(ProductionRefusal) -> [(item: String, quantity: Quantity)] {
        var lines: [(item: String, quantity: Quantity)] = []
        for line in bom.lines {
            guard let needed = Quantity(decimal: BOMExplosion.roundedUp(quantity.decimal * line.quantity.decimal * (1 + line.scrapPercent.decimal / 100)))
            else { throw ProductionRefusal(.invalid, "\(workOrder) needs more \(line.component) than can be counted") }
            lines.append((line.component, needed))
        }
        return lines
    }
}
