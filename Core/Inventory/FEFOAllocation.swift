import Foundation

/// Reserves stock for a work order first expiring first: every line from usable stock (`UsableStock`) not yet
/// reserved, lots with the earliest expiry first and lots without expiry last. Without `allowShort` a line that
/// cannot be covered refuses the whole request with each short line's figures.
public enum FEFOAllocation {
    /// A stock row of a line's item with what is reserved of it.
    public struct Candidate: Sendable, Equatable {
        public var item: String
        public var location: String
        /// '' for none, as stored.
        public var lot: String
        /// '' for none, as stored.
        public var serial: String
        public var locationType: LocationType
        /// The lot is held (quarantined).
        public var held: Bool
        public var expiry: String?
        public var quantity: Quantity
        public var reserved: Quantity

        public init(
            item: String, location: String, lot: String, serial: String, locationType: LocationType, held: Bool, expiry: String?,
            quantity: Quantity, reserved: Quantity
        ) {
            self.item = item
            self.location = location
            self.lot = lot
            self.serial = serial
            self.locationType = locationType
            self.held = held
            self.expiry = expiry
            self.quantity = quantity
            self.reserved = reserved
        }
    }

    /// What the plant holds of the lines' items, read in the transaction that reserves.
    public struct Snapshot: Sendable, Equatable {
        /// Items the plant's masters name.
        public var knownItems: Set<String>
        /// Every stock row of the lines' items, in any order.
        public var candidates: [Candidate]
        /// The plant's day (`YYYY-MM-DD`): a lot expired before it is not reserved.
        public var today: String

        public init(knownItems: Set<String>, candidates: [Candidate], today: String) {
            self.knownItems = knownItems
            self.candidates = candidates
            self.today = today
        }
    }

    /// One reservation to make: part of one stock row.
    public struct Allocation: Sendable, Equatable {
        public var item: String
        public var location: String
        public var lot: String?
        public var serial: String?
        public var quantity: Quantity
    }

    public struct Decision: Sendable, Equatable {
        public var allocations: [Allocation]
        /// Lines that could not be covered (only with `allowShort`).
        public var shortages: [Shortage]
    }

    /// The order stock is taken in: earliest expiry first, no expiry last, then lot, location and serial.
    public static func precedes(_ lhs: Candidate, _ rhs: Candidate) -> Bool {
        switch (lhs.expiry, rhs.expiry) {
        case (nil, .some): return false
        case (.some, nil): return true
        case (.some(let left), .some(let right)) where left != right: return left < right
        default: return (lhs.lot, lhs.location, lhs.serial) < (rhs.lot, rhs.location, rhs.serial)
        }
    }

    public static func decide(workOrder: String, lines: [ReservationLine], allowShort: Bool, _ snapshot: Snapshot) throws -> Decision {
        guard !workOrder.isEmpty else { throw InventoryRefusal(.invalid, "a work order is required", field: "workOrder") }
        let byItem = Dictionary(grouping: snapshot.candidates.sorted(by: precedes), by: \.item)
        var taken: [Candidate.Key: Quantity] = [:]   // stock row → reserved by this request
        var allocations: [Allocation] = []
        var shortages: [Shortage] = []
        for (index, line) in lines.enumerated() {
            guard line.quantity.isPositive else { throw InventoryRefusal(.invalid, "line \(index + 1): the quantity must be positive", field: "lines") }
            guard snapshot.knownItems.contains(line.item) else {
                throw InventoryRefusal(.unknownItem, "line \(index + 1): no item \(line.item) in this plant's masters", field: "lines")
            }
            var needed = line.quantity, onHand = Quantity.zero, elsewhere = Quantity.zero
            for row in byItem[line.item] ?? [] {
                if let wanted = line.location, wanted != row.location { continue }
                if let wanted = line.lot, wanted != row.lot { continue }
                // The rule readiness nets by too (`UsableStock`), so the two never disagree on what counts.
                guard UsableStock.isUsable(locationType: row.locationType, held: row.held, expiry: row.expiry, today: snapshot.today) else { continue }
                let reserved = row.reserved + taken[row.key, default: .zero]
                onHand += row.quantity
                elsewhere += min(row.quantity, reserved)
                let free = row.quantity - reserved
                guard needed.isPositive, free.isPositive else { continue }
                let take = min(free, needed)
                needed -= take
                taken[row.key, default: .zero] += take
                allocations.append(Allocation(
                    item: line.item, location: row.location, lot: row.lot.isEmpty ? nil : row.lot, serial: row.serial.isEmpty ? nil : row.serial,
                    quantity: take))
            }
            if needed.isPositive {
                shortages.append(Shortage(item: line.item, needed: line.quantity, onHand: onHand, reservedElsewhere: elsewhere, short: needed))
            }
        }
        guard shortages.isEmpty || allowShort else {
            let named = shortages.prefix(10).map { "\($0.item) short \($0.short) of \($0.needed)" }.joined(separator: "; ")
            throw InventoryRefusal(
                .shortage, "nothing reserved for \(workOrder): \(named)" + (shortages.count > 10 ? "; and \(shortages.count - 10) more lines" : ""),
                shortages: shortages)
        }
        return Decision(allocations: allocations, shortages: shortages)
    }
}

extension FEFOAllocation.Candidate {
    /// A stock row's identity.
    struct Key: Hashable {
        var item: String
        var location: String
        var lot: String
        var serial: String
    }

    var key: Key { Key(item: item, location: location, lot: lot, serial: serial) }
}
