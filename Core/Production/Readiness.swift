import Foundation

/// Whether work orders' material is there, and if not, the earliest day it can be: free stock at the order's source
/// location first, then free stock elsewhere in the plant (which must be moved there), then open purchase order lines
/// by date, shared among the orders in the order they are planned to start.
public enum Readiness {
    public struct Demand: Sendable {
        public var workOrder: String
        public var component: String
        /// What the order needs of the component and what is reserved for it already.
        public var needed: Quantity
        public var reserved: Quantity
        /// Where release reserves the component (the order's source location); nil: anywhere in the plant.
        public var location: String?

        public init(workOrder: String, component: String, needed: Quantity, reserved: Quantity, location: String? = nil) {
            self.workOrder = workOrder
            self.component = component
            self.needed = needed
            self.reserved = reserved
            self.location = location
        }
    }

    /// Free stock of an item at a location: usable (`UsableStock`) and not reserved.
    public struct Place: Sendable, Hashable, Codable {
        public var item: String
        public var location: String

        public init(item: String, location: String) {
            self.item = item
            self.location = location
        }
    }

    /// A quantity that is expected on a day: part or all of a purchase order line (`SupplyLine.portions`).
    public struct Supply: Sendable, Equatable {
        public var item: String
        public var source: String
        /// `YYYY-MM-DD`; nil when the line has no date.
        public var due: String?
        public var open: Quantity

        public init(item: String, source: String, due: String?, open: Quantity) {
            self.item = item
            self.source = source
            self.due = due
            self.open = open
        }
    }

    /// Free stock at another location that covers part of a demand once it is moved to the order's source location.
    public struct Transfer: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public var quantity: Quantity

        public init(from: String, to: String, quantity: Quantity) {
            self.from = from
            self.to = to
            self.quantity = quantity
        }
    }

    public struct Component: Sendable, Equatable, Codable {
        public var item: String
        public var needed: Quantity
        public var reserved: Quantity
        /// Covered by free stock at the order's source location now: what release reserves.
        public var fromStock: Quantity
        /// Still missing at the source location after free stock there.
        public var short: Quantity
        /// Free stock elsewhere in the plant that covers part of `short` once moved to the source location;
        /// release does not reserve it where it lies.
        public var toMove: [Transfer]
        /// The purchase order lines that cover the rest, by date.
        public var coveredBy: [String]
        /// When the last of it can be there (`YYYY-MM-DD`; today when only moves are needed), or nil when stock and
        /// open supply do not cover it.
        public var readyBy: String?
        /// Everything is reserved or free at the source location: release would reserve it all.
        public var ready: Bool
    }

    /// `demands` in the order work should start (earlier orders take stock and supply first). `free` is the free
    /// stock per item and location (`UsableStock.free`); `supply` the open quantities by date (`SupplyLine.portions`).
    public static func assess(_ demands: [Demand], free: [Place: Quantity], supply: [Supply], today: String) -> [String: [Component]] {
        var free = free
        // The places of each item, once: a plant holds thousands of items, an order a handful of components.
        let placesOf = Dictionary(grouping: free.keys, by: \.item).mapValues { $0.sorted { $0.location < $1.location } }
        var open = supply.sorted { ($0.due ?? "9999-12-31", $0.source) < ($1.due ?? "9999-12-31", $1.source) }
        var result: [String: [Component]] = [:]
        for demand in demands {
            var missing = max(.zero, demand.needed - demand.reserved)
            let places = placesOf[demand.component] ?? []
            var fromStock = Quantity.zero
            for place in places where (demand.location == nil || place.location == demand.location) && missing > .zero {
                let take = min(missing, max(.zero, free[place] ?? .zero))
                free[place, default: .zero] -= take
                fromStock += take
                missing -= take
            }
            let short = missing
            var toMove: [Transfer] = []
            if let target = demand.location {
                for place in places where place.location != target && missing > .zero {
                    let take = min(missing, max(.zero, free[place] ?? .zero))
                    guard take > .zero else { continue }
                    free[place, default: .zero] -= take
                    missing -= take
                    toMove.append(Transfer(from: place.location, to: target, quantity: take))
                }
            }
            var coveredBy: [String] = [], readyBy: String? = today
            for index in open.indices where missing > .zero && open[index].item == demand.component && open[index].open > .zero {
                let take = min(missing, open[index].open)
                open[index].open -= take
                missing -= take
                if !coveredBy.contains(open[index].source) { coveredBy.append(open[index].source) }
                readyBy = open[index].due
            }
            if missing > .zero { readyBy = nil }
            result[demand.workOrder, default: []].append(Component(
                item: demand.component, needed: demand.needed, reserved: demand.reserved, fromStock: fromStock, short: short,
                toMove: toMove, coveredBy: coveredBy, readyBy: readyBy, ready: short == .zero))
        }
        return result
    }

    /// The day the last of an order's material can be there: the latest of its components' `readyBy`, today when it
    /// has none, nil when a component has no date.
    public static func readyBy(_ components: [Component], today: String) -> String? {
        if components.contains(where: { $0.readyBy == nil }) { return nil }
        return components.compactMap(\.readyBy).max() ?? today
    }

    /// At risk: the material will not be there by the day the order is planned to start (`plannedStartDay`,
    /// `YYYY-MM-DD`), because open supply does not cover it (`readyBy` nil) or its last part comes later
    /// (`readyBy` after the start day; a supplier's confirmed date counts over the due date); or a machine of its
    /// work centres is down (`machineDown`). Material arriving on the start day itself is in time.
    public static func atRisk(readyBy: String?, plannedStartDay: String, machineDown: Bool) -> Bool {
        guard let readyBy else { return true }
        return readyBy > plannedStartDay || machineDown
    }

    /// The readiness asked for: of one order (`workOrder`), which must be open, or of every open order.
    public static func found<Order>(_ result: [Order], workOrder: String?) throws(ProductionRefusal) -> [Order] {
        if let workOrder, result.isEmpty { throw ProductionRefusal(.notFound, "no open work order \(workOrder)") }
        return result
    }
}
