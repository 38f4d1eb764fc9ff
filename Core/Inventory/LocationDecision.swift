import Foundation

/// Which locations a request may use and how a location may change.
public enum LocationDecision {
    /// The location `code` names, when the plant has it and it is active (`found` is what the plant holds).
    public static func usable(_ code: String, found: LocationDefined?) throws -> LocationDefined {
        guard var location = found else {
            throw InventoryRefusal(.unknownLocation, "no location \(code) at this plant", field: "location")
        }
        guard location.active else { throw InventoryRefusal(.locationNotUsable, "location \(code) is retired", field: "location") }
        location.active = true
        return location
    }

    /// Refuses a location definition with a bad code, or one that retires a location still holding stock.
    public static func define(_ location: LocationDefined, holdsStock: Bool) throws {
        guard PlantIdentity.isLocalCode(location.code) else {
            throw InventoryRefusal(.invalid, "a location code is 1 to 64 letters, digits, '-', '_' or '.'", field: "code")
        }
        if !location.active, holdsStock {
            throw InventoryRefusal(.locationNotUsable, "location \(location.code) still holds stock; move it out before retiring the location")
        }
    }

    /// Refuses a move that would leave stock where it is.
    public static func requireDistinct(from: LocationDefined, to: LocationDefined) throws {
        guard from.code != to.code else { throw InventoryRefusal(.invalid, "from and to are the same location") }
    }
}
