import Foundation
import GantryCore

struct BOMBody: Decodable, Sendable {
    var lines: [BOMDefined.Line]
    var byProducts: [BOMDefined.ByProduct]?
}

struct RoutingBody: Decodable, Sendable {
    var operations: [RoutingOperation]
}

struct ExplosionBody: Encodable, Sendable {
    var item: String
    var quantity: Quantity
    var requirements: [BOMExplosion.Requirement]
}

struct WorkOrderBody: Decodable, Sendable {
    var workOrder: String
    var item: String
    var quantity: Quantity
    var due: Date?
    var sourceLocation: String
    var outputLocation: String
    var earliestStart: Date?
}

struct ReleaseBody: Decodable, Sendable {
    var override: OverrideRequest?
}

struct ProgressBody: Decodable, Sendable {
    var good: Quantity?
    var scrap: Quantity?
    var rework: Quantity?
    var reasons: [String]?
}

struct ConsumeFields: Decodable, Sendable {
    var id: UUID?
    var from: String
    var override: OverrideRequest?
}

struct OutputToFields: Decodable, Sendable {
    var id: UUID?
    var to: String?
}

struct QualityCheckBody: Decodable, Sendable {
    var point: String
    var workOrder: String?
    var lot: String?
    var location: String?
    var quantity: Quantity?
    var passed: Bool?
    var value: Quantity?
    var quarantineLocation: String?
    var supplier: String?
}

struct DueBody: Decodable, Sendable {
    var due: String?
}

struct NonconformanceList: Encodable, Sendable {
    var nonconformances: [NonconformanceOpened]
}

struct WorkOrderList: Encodable, Sendable {
    var workOrders: [WorkOrderView]
}

struct ReadinessList: Encodable, Sendable {
    var workOrders: [WorkOrderReadiness]
}

/// The answer to a rescheduled purchase order line: the line as text, the due date or "" for none.
struct RescheduleAnswer: Encodable, Sendable {
    var order: String
    var line: String
    var due: String
}
