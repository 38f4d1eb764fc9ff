import Foundation

/// Whether work orders' material is there, and if not, the earliest day it can be: free stock first, then
/// open purchase order lines by due date, shared among the orders in the order they are planned to start.
public enum Readiness {
    public struct Demand: Sendable {
        public var workOrder: String
        public var component: String
        /// What the order needs of the component and what is reserved for it already.
        public var needed: Quantity
        public var reserved: Quantity

        public init(workOrder: String, component: String, needed: Quantity, reserved: Quantity) {
            self.workOrder = workOrder
            self.component = component
            self.needed = needed
            self.reserved = reserved
        }
    }

    public struct Supply: Sendable {
        public var item: String
        public var source: String
        /// `YYYY-MM-DD`; nil when the line has no due date.
        public var due: String?
        public var open: Quantity

        public init(item: String, source: String, due: String?, open: Quantity) {
            self.item = item
            self.source = source
            self.due = due
            self.open = open
        }
    }

    public struct Component: Sendable, Equatable, Codable {
        public var item: String
        public var needed: Quantity
        public var reserved: Quantity
        /// Covered by free stock now.
        public var fromStock: Quantity
        /// Still missing after free stock.
        public var short: Quantity
        /// The supply lines that cover the shortage, by due date.
        public var coveredBy: [String]
        /// When the last of it can be there (`YYYY-MM-DD`), or nil when open supply does not cover it.
        public var readyBy: String?
        public var ready: Bool
    }

    /// `demands` in the order work should start (earlier orders take stock and supply first).
    public static func assess(_ demands: [Demand], free: [String: Quantity], supply: [Supply], today: String) -> [String: [Component]] {
        var free = free
        var open = supply.sorted { ($0.due ?? "9999-12-31", $0.source) < ($1.due ?? "9999-12-31", $1.source) }
        var result: [String: [Component]] = [:]
        for demand in demands {
            var missing = max(.zero, demand.needed - demand.reserved)
            let fromStock = min(missing, max(.zero, free[demand.component] ?? .zero))
            free[demand.component, default: .zero] -= fromStock
            missing -= fromStock
            var coveredBy: [String] = [], readyBy: String? = today
            for index in open.indices where missing > .zero && open[index].item == demand.component && open[index].open > .zero {
                let take = min(missing, open[index].open)
                open[index].open -= take
                missing -= take
                coveredBy.append(open[index].source)
                readyBy = open[index].due
            }
            if missing > .zero { readyBy = nil }
            result[demand.workOrder, default: []].append(Component(
                item: demand.component, needed: demand.needed, reserved: demand.reserved, fromStock: fromStock,
                short: max(.zero, demand.needed - demand.reserved - fromStock), coveredBy: coveredBy, readyBy: readyBy,
                ready: coveredBy.isEmpty && missing == .zero))
        }
        return result
    }
}
