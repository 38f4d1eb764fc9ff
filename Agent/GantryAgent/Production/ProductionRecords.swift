import Foundation
import GantryCore
import GRDB

/// A row of `work_orders`. Quantities are millionths of the item's base unit; times are `Timestamp` text.
struct WorkOrderRecord: Decodable, FetchableRecord {
    var workOrder: String
    var item: String
    var quantity: Int64
    var due: String?
    var sourceLocation: String
    var outputLocation: String
    var status: String
    var plannedStart: String
    var plannedFinish: String
    var actualStart: String?
    var actualFinish: String?
    var good: Int64
    var scrap: Int64
    var rework: Int64
    var releasedOverride: String?

    enum CodingKeys: String, CodingKey {
        case workOrder = "work_order", item, quantity, due, sourceLocation = "source_location", outputLocation = "output_location"
        case status, plannedStart = "planned_start", plannedFinish = "planned_finish", actualStart = "actual_start"
        case actualFinish = "actual_finish", good, scrap, rework, releasedOverride = "released_override"
    }
}

/// A row of `work_order_operations`.
struct OperationRecord: Decodable, FetchableRecord {
    var sequence: Int
    var workCentre: String
    var status: String
    var plannedStart: String
    var plannedFinish: String
    var actualStart: String?
    var actualFinish: String?

    enum CodingKeys: String, CodingKey {
        case sequence, workCentre = "work_centre", status, plannedStart = "planned_start", plannedFinish = "planned_finish"
        case actualStart = "actual_start", actualFinish = "actual_finish"
    }
}

/// A definition kept as its event's JSON payload (`boms`, `routings`, `work_centres`, `quality_points`), by key.
struct DefinitionRecord: Decodable, FetchableRecord {
    var key: String
    var definition: String
}

/// A row of `nonconformances`.
struct NonconformanceRecord: Decodable, FetchableRecord {
    var nonconformance: String
    var workOrder: String?
    var supplier: String?
    var item: String
    var lot: String?
    var quantity: Int64
    var reason: String
    var disposition: String

    enum CodingKeys: String, CodingKey {
        case nonconformance, workOrder = "work_order", supplier, item, lot, quantity, reason, disposition
    }
}

/// A machine's latest state, as readiness reads it for a work centre's machine.
struct MachineStateRecord: Decodable, FetchableRecord {
    var state: String
    var reason: String?
    var at: String
}

/// A stock row with its location's type, its lot's status and expiry, and what is reserved of it.
struct StockPositionRecord: Decodable, FetchableRecord {
    var item: String
    var location: String
    var quantity: Int64
    var type: String
    var expiry: String?
    var status: String
    var reserved: Int64
}

/// An open purchase order line as readiness reads it.
struct OpenSupplyRecord: Decodable, FetchableRecord {
    var purchaseOrder: String
    var line: Int
    var item: String
    var ordered: Int64
    var received: Int64
    var due: String?
    var confirmedDue: String?
    var confirmedQuantity: Int64?

    enum CodingKeys: String, CodingKey {
        case purchaseOrder = "purchase_order", line, item, ordered, received, due, confirmedDue = "confirmed_due"
        case confirmedQuantity = "confirmed_quantity"
    }
}
