import Foundation

/// Something the hub tells one plant to act on: demand to plan for, or a decision on a request the plant
/// could not decide itself. Numbered per plant 1, 2, 3, …; the plant applies each exactly once, in order,
/// and answers with events of its own (`DemandAnswered`, `ApprovalDecided`).
public struct PlantInstruction: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case demand
        case approvalDecision = "approval-decision"
        /// A customer order for the plant to ship (`CustomerOrderInstruction`).
        case customerOrder = "customer-order"
        /// A transfer the plant ships to another plant (`TransferInstruction`).
        case transferOut = "transfer-out"
        /// A transfer the plant is to receive from another plant (`TransferInstruction`).
        case transferIn = "transfer-in"
        /// The logistic units another plant shipped on a transfer to this one (`InboundShipmentInstruction`).
        case inboundShipment = "inbound-shipment"
    }

    public var plant: String
    public var sequence: Int64
    public var kind: Kind
    /// Unique per plant and kind: the demand's reference, the approval's id.
    public var reference: String
    public var body: JSONValue
    public var issuedAt: Date
    public var issuedBy: String
    /// What the plant answered, once its answer reached the hub.
    public var answer: JSONValue?

    public init(
        plant: String, sequence: Int64, kind: Kind, reference: String, body: JSONValue, issuedAt: Date, issuedBy: String,
        answer: JSONValue? = nil
    ) {
        self.plant = plant
        self.sequence = sequence
        self.kind = kind
        self.reference = reference
        self.body = body
        self.issuedAt = issuedAt
        self.issuedBy = issuedBy
        self.answer = answer
    }

    /// Reads the body as the instruction's type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try WireFormat.decoder().decode(T.self, from: Data(body.canonicalText.utf8))
    }
}

/// The hub's answer to `GET /v1/plants/{plant}/instructions?after=N`.
public struct PlantInstructions: Sendable, Equatable, Codable {
    public var after: Int64
    public var instructions: [PlantInstruction]
    /// More wait beyond these.
    public var more: Bool
    /// The highest number the hub has handed this plant: below what the plant applied, the hub lost instructions
    /// (restored from an older backup) and would hand out their numbers again.
    public var latest: Int64?

    public init(after: Int64, instructions: [PlantInstruction], more: Bool, latest: Int64?) {
        self.after = after
        self.instructions = instructions
        self.more = more
        self.latest = latest
    }
}

/// Demand for an item the hub hands to a plant: the plant plans a work order for it, or says why it cannot.
public struct DemandInstruction: Sendable, Equatable, Codable {
    /// The demand's own reference (a customer order line, a transfer), unique per plant.
    public var reference: String
    public var item: String
    public var quantity: Quantity
    /// The date the goods are due, `YYYY-MM-DD`.
    public var due: String
    /// Where the work order takes components from and puts its output; the plant's defaults when absent.
    public var sourceLocation: String?
    public var outputLocation: String?
    public var note: String?

    public init(
        reference: String, item: String, quantity: Quantity, due: String, sourceLocation: String? = nil,
        outputLocation: String? = nil, note: String? = nil
    ) {
        self.reference = reference
        self.item = item
        self.quantity = quantity
        self.due = due
        self.sourceLocation = sourceLocation
        self.outputLocation = outputLocation
        self.note = note
    }

    /// What is wrong with it, field by field (empty when nothing is).
    public var problems: [(field: String, detail: String)] {
        var problems: [(String, String)] = []
        if !PlantIdentity.isLocalCode(reference) {
            problems.append(("reference", "1 to 64 letters, digits, '-', '_' or '.'"))
        }
        if item.isEmpty || item.count > 64 { problems.append(("item", "an item code")) }
        if !quantity.isPositive || quantity > Quantity(100_000_000) { problems.append(("quantity", "a positive quantity up to 100,000,000")) }
        if Self.day(due) == nil { problems.append(("due", "a date YYYY-MM-DD")) }
        if (note?.count ?? 0) > 500 { problems.append(("note", "at most 500 characters")) }
        return problems
    }

    /// The start of a `YYYY-MM-DD` day in UTC.
    public static func day(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        return Timestamp.parse(text + "T00:00:00Z")
    }
}

/// The hub's decision on a request above a plant's limit.
public struct ApprovalDecisionInstruction: Sendable, Equatable, Codable {
    public var approval: String
    public var verdict: ApprovalVerdict
    public var decidedBy: String
    public var role: Role
    public var decidedAt: Date
    public var comment: String?

    public init(approval: String, verdict: ApprovalVerdict, decidedBy: String, role: Role, decidedAt: Date, comment: String?) {
        self.approval = approval
        self.verdict = verdict
        self.decidedBy = decidedBy
        self.role = role
        self.decidedAt = decidedAt
        self.comment = comment
    }
}

/// The plant's answer to demand from the hub: a planned work order, or why there is none.
public struct DemandAnswered: PlantEvent {
    public static let eventType = "DemandAnswered"
    public static let schemaVersion = 1

    public var reference: String
    /// The hub's instruction number it answers.
    public var instruction: Int64
    public var accepted: Bool
    public var workOrder: String?
    /// The work order's planned finish, when accepted.
    public var plannedFinish: Date?
    public var reason: String?

    public init(reference: String, instruction: Int64, accepted: Bool, workOrder: String?, plannedFinish: Date?, reason: String?) {
        self.reference = reference
        self.instruction = instruction
        self.accepted = accepted
        self.workOrder = workOrder
        self.plannedFinish = plannedFinish
        self.reason = reason
    }
}
