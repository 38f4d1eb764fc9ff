import Foundation
import GantryCore
import Testing

/// The work order lifecycle as a table: every status against every transition, every operation status against
/// every step.
@Suite struct WorkOrderLifecycleTests {
    static let transitions: [(WorkOrderStatus, WorkOrderStatus.Transition, WorkOrderStatus?)] = [
        (.planned, .release, .released), (.planned, .startOperation, nil), (.planned, .complete, nil),
        (.released, .release, nil), (.released, .startOperation, .inProgress), (.released, .complete, nil),
        (.inProgress, .release, nil), (.inProgress, .startOperation, .inProgress), (.inProgress, .complete, .completed),
        (.completed, .release, nil), (.completed, .startOperation, nil), (.completed, .complete, nil),
    ]

    @Test func theTableCoversEveryStatusAndTransition() {
        #expect(Self.transitions.count == WorkOrderStatus.allCases.count * WorkOrderStatus.Transition.allCases.count)
    }

    @Test(arguments: transitions)
    func workOrderTransitions(_ from: WorkOrderStatus, _ transition: WorkOrderStatus.Transition, _ to: WorkOrderStatus?) {
        #expect(from.after(transition) == to)
    }

    static let steps: [(OperationStatus, OperationProgressed.Step, OperationStatus?)] = [
        (.pending, .started, .running), (.pending, .paused, nil), (.pending, .resumed, nil), (.pending, .finished, nil),
        (.running, .started, nil), (.running, .paused, .paused), (.running, .resumed, nil), (.running, .finished, .finished),
        (.paused, .started, nil), (.paused, .paused, nil), (.paused, .resumed, .running), (.paused, .finished, nil),
        (.finished, .started, nil), (.finished, .paused, nil), (.finished, .resumed, nil), (.finished, .finished, nil),
    ]

    @Test(arguments: steps)
    func operationSteps(_ from: OperationStatus, _ step: OperationProgressed.Step, _ to: OperationStatus?) throws {
        #expect(from.after(step) == to)
        // The lifecycle decision agrees with the table on a released order whose earlier operations are done.
        let order = WorkOrderState(workOrder: "WO-1", status: .inProgress, operations: [.init(sequence: 10, status: from)])
        if let to {
            let change = try WorkOrderLifecycle.progress(order, sequence: 10, step: step, blockingPoint: nil)
            #expect(change == OperationChange(sequence: 10, step: step, operation: to, order: .inProgress))
        } else {
            #expect { _ = try WorkOrderLifecycle.progress(order, sequence: 10, step: step, blockingPoint: nil) }
                throws: { ($0 as? ProductionRefusal)?.code == .invalidTransition }
        }
    }

    @Test func theWireNamesOfStatusesStay() {
        #expect(WorkOrderStatus.allCases.map(\.rawValue) == ["planned", "released", "in-progress", "completed"])
        #expect(OperationStatus.allCases.map(\.rawValue) == ["pending", "running", "paused", "finished"])
    }

    @Test func startingTheFirstOperationPutsAReleasedOrderInProgress() throws {
        let order = WorkOrderState(workOrder: "WO-1", status: .released, operations: [.init(sequence: 10, status: .pending)])
        let change = try WorkOrderLifecycle.progress(order, sequence: 10, step: .started, blockingPoint: nil)
        #expect(change.order == .inProgress && change.operation == .running)
    }

    @Test func completionNeedsEveryOperationFinished() throws {
        let done = WorkOrderState(workOrder: "WO-1", status: .inProgress, operations: [.init(sequence: 10, status: .finished)])
        #expect(try WorkOrderLifecycle.complete(done) == .completed)
        #expect(try WorkOrderLifecycle.release(WorkOrderState(workOrder: "WO-1", status: .planned, operations: [])) == .released)
    }

    @Test func outputOfTheOrdersItemCountsAsGoodAByProductDoesNot() throws {
        #expect(try WorkOrderLifecycle.outputCountsAsGood("P", workOrder: "WO-1", makes: "P", byProducts: ["B"]))
        #expect(try !WorkOrderLifecycle.outputCountsAsGood("B", workOrder: "WO-1", makes: "P", byProducts: ["B"]))
    }
}

/// Every refusal of the production decisions, by code and wording (the wording is what operators read).
@Suite struct ProductionRefusalTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var code: ProductionRefusal.Code
        var detail: String
        var decide: @Sendable () throws -> Void
        var testDescription: String { name }
    }

    static func order(_ status: WorkOrderStatus, _ operations: [(Int, OperationStatus)] = [(10, .pending)]) -> WorkOrderState {
        WorkOrderState(workOrder: "WO-1", status: status, operations: operations.map { .init(sequence: $0.0, status: $0.1) })
    }

    static let short = Shortage(item: "C", needed: Quantity(10), onHand: Quantity(4), reservedElsewhere: Quantity(1), short: Quantity(6))
    static let request = WorkOrderRequest(
        workOrder: "WO-1", item: "P", quantity: Quantity(1), exists: false, itemKnown: true, hasBOM: true,
        routing: RoutingDefined(item: "P", operations: [RoutingOperation(sequence: 10, workCentre: "A", setupMinutes: .zero, runMinutesPerUnit: Quantity(1))]))

    static func with(_ change: (inout WorkOrderRequest) -> Void) -> WorkOrderRequest {
        var request = request
        change(&request)
        return request
    }

    static let point = QualityPointDefined(
        point: "QP", scope: .operation, item: "P", operation: 10, kind: .measurement, characteristic: "width", lower: Quantity(1),
        upper: Quantity(2), onFailure: .quarantine)

    static let cases: [Case] = [
        // invalid
        Case(name: "negative counts", code: .invalid, detail: "good, scrap and rework are never negative") {
            try WorkOrderLifecycle.checkCounts(good: nil, scrap: Quantity(-1), rework: nil)
        },
        Case(name: "work order id", code: .invalid, detail: "a work order id is 1 to 64 letters, digits, '-', '_' or '.'") {
            _ = try WorkOrderPlanning.check(with { $0.workOrder = "WO 1" })
        },
        Case(name: "work order exists", code: .invalid, detail: "work order WO-1 exists already") {
            _ = try WorkOrderPlanning.check(with { $0.exists = true })
        },
        Case(name: "quantity", code: .invalid, detail: "the quantity must be positive") {
            _ = try WorkOrderPlanning.check(with { $0.quantity = .zero })
        },
        Case(name: "a year of work", code: .invalid, detail: "600000 of P takes 416 days of work on its routing; split it into smaller orders") {
            _ = try WorkOrderPlanning.schedule(
                request.routing!, item: "P", quantity: Quantity(600_000), earliest: Date(), now: Date(), calendars: [:], busyUntil: [:])
        },
        Case(name: "override without reason", code: .invalid, detail: "an override names who overrides and why") {
            try MaterialGate.checkReleaseOverride(Override(by: "ana", role: "planner", reason: " "), permittedRoles: ["planner"])
        },
        Case(name: "output of another item", code: .invalid, detail: "WO-1 makes P and by-products B, not X") {
            _ = try WorkOrderLifecycle.outputCountsAsGood("X", workOrder: "WO-1", makes: "P", byProducts: ["B"])
        },
        Case(name: "due date", code: .invalid, detail: "due is a date YYYY-MM-DD") { try ProductionDefinitionRules.checkDue("2026-13-01") },
        Case(name: "empty bill", code: .invalid, detail: "a bill of materials needs at least one line") {
            _ = try ProductionDefinitionRules.check(BOMDefined(item: "P", lines: []), knownItems: ["P"], boms: [:])
        },
        Case(name: "routing sequences", code: .invalid, detail: "a routing needs operations with distinct sequence numbers") {
            try ProductionDefinitionRules.check(RoutingDefined(item: "P", operations: []), itemKnown: true, knownWorkCentres: [])
        },
        Case(name: "measurement limits", code: .invalid, detail: "a measurement needs a lower or an upper limit") {
            var open = point
            open.lower = nil
            open.upper = nil
            try ProductionDefinitionRules.check(open, itemKnown: true)
        },
        Case(name: "measurement without value", code: .invalid, detail: "QP measures width: give the value") {
            _ = try QualityRules.outcome(
                at: point, named: "QP", passed: true, value: nil, workOrder: nil, workOrderFound: true, lot: nil, location: nil, quantity: nil,
                quarantineLocation: nil)
        },
        Case(name: "quarantine without lot", code: .invalid,
             detail: "QP sends failures to quarantine: give lot, location, quantity and quarantineLocation") {
            _ = try QualityRules.outcome(
                at: point, named: "QP", passed: nil, value: Quantity(3), workOrder: nil, workOrderFound: true, lot: nil, location: "S",
                quantity: Quantity(1), quarantineLocation: "Q")
        },
        Case(name: "not a quarantine location", code: .invalid, detail: "S is not a quarantine location") {
            try QualityRules.checkQuarantine("S", type: .storage)
        },
        // not-found
        Case(name: "no work order", code: .notFound, detail: "no work order WO-9") {
            _ = try WorkOrderLifecycle.found(WorkOrderState?.none, "WO-9")
        },
        Case(name: "no operation", code: .notFound, detail: "WO-1 has no operation 20") {
            _ = try WorkOrderLifecycle.progress(order(.released), sequence: 20, step: .started, blockingPoint: nil)
        },
        Case(name: "no item", code: .notFound, detail: "no item P in this plant's masters") {
            _ = try WorkOrderPlanning.check(with { $0.itemKnown = false })
        },
        Case(name: "no bill", code: .notFound, detail: "no bill of materials for P at this plant") {
            _ = try WorkOrderPlanning.check(with { $0.hasBOM = false })
        },
        Case(name: "no routing", code: .notFound, detail: "no routing for P at this plant") {
            _ = try WorkOrderPlanning.check(with { $0.routing = nil })
        },
        Case(name: "no work centre", code: .notFound, detail: "no work centre A") {
            try ProductionDefinitionRules.check(request.routing!, itemKnown: true, knownWorkCentres: [])
        },
        Case(name: "no component", code: .notFound, detail: "no item C in this plant's masters") {
            _ = try ProductionDefinitionRules.check(
                BOMDefined(item: "P", lines: [.init(component: "C", quantity: Quantity(1))]), knownItems: ["P"], boms: [:])
        },
        Case(name: "no quality point", code: .notFound, detail: "no quality point QX") {
            _ = try QualityRules.outcome(
                at: nil, named: "QX", passed: true, value: nil, workOrder: nil, workOrderFound: true, lot: nil, location: nil, quantity: nil,
                quarantineLocation: nil)
        },
        Case(name: "checked order missing", code: .notFound, detail: "no work order WO-9") {
            _ = try QualityRules.outcome(
                at: point, named: "QP", passed: nil, value: Quantity(1), workOrder: "WO-9", workOrderFound: false, lot: nil, location: nil,
                quantity: nil, quarantineLocation: nil)
        },
        Case(name: "no purchase order line", code: .notFound, detail: "no purchase order line PO-1/2") {
            try ProductionDefinitionRules.reschedule(order: "PO-1", line: 2, due: "2026-12-24", lineExists: false)
        },
        Case(name: "bad due date before a missing line", code: .invalid, detail: "due is a date YYYY-MM-DD") {
            try ProductionDefinitionRules.reschedule(order: "PO-1", line: 2, due: "24.12.2026", lineExists: false)
        },
        Case(name: "no open order for readiness", code: .notFound, detail: "no open work order WO-9") {
            _ = try Readiness.found([Int](), workOrder: "WO-9")
        },
        // invalid-transition
        Case(name: "release twice", code: .invalidTransition, detail: "WO-1 is released; only a planned work order is released") {
            _ = try WorkOrderLifecycle.release(order(.released))
        },
        Case(name: "operation of a planned order", code: .invalidTransition,
             detail: "WO-1 is planned; operations run only on a released work order") {
            _ = try WorkOrderLifecycle.progress(order(.planned), sequence: 10, step: .started, blockingPoint: nil)
        },
        Case(name: "operation out of order", code: .invalidTransition, detail: "operation 10 of WO-1 is not finished yet") {
            _ = try WorkOrderLifecycle.progress(order(.inProgress, [(10, .running), (20, .pending)]), sequence: 20, step: .started, blockingPoint: nil)
        },
        Case(name: "illegal step", code: .invalidTransition, detail: "operation 10 of WO-1 is pending; it cannot be finished") {
            _ = try WorkOrderLifecycle.progress(order(.released), sequence: 10, step: .finished, blockingPoint: nil)
        },
        Case(name: "consume by a planned order", code: .invalidTransition,
             detail: "WO-1 is planned; components are consumed only by a released work order") {
            try WorkOrderLifecycle.consume(order(.planned))
        },
        Case(name: "output before it runs", code: .invalidTransition, detail: "WO-1 is released; output is reported while it is in progress") {
            try WorkOrderLifecycle.reportOutput(order(.released), blockingPoint: nil)
        },
        Case(name: "complete a released order", code: .invalidTransition, detail: "WO-1 is released; only an order in progress is completed") {
            _ = try WorkOrderLifecycle.complete(order(.released))
        },
        Case(name: "complete with an operation open", code: .invalidTransition, detail: "operation 20 of WO-1 is paused") {
            _ = try WorkOrderLifecycle.complete(order(.inProgress, [(10, .finished), (20, .paused)]))
        },
        // shortage
        Case(name: "release short", code: .shortage,
             detail: "WO-1 cannot be released: C needs 10, 4 on hand at S, 1 reserved elsewhere, 6 short (5 free at LINE: move it to S first)") {
            _ = try MaterialGate.release(
                "WO-1", source: "S", shortages: [short], override: nil,
                free: [Readiness.Place(item: "C", location: "LINE"): Quantity(5), Readiness.Place(item: "C", location: "S"): Quantity(4)])
        },
        // override-not-permitted
        Case(name: "release override by another role", code: .overridePermission,
             detail: "the role operator may not override the material gate (allowed: planner, supervisor)") {
            try MaterialGate.checkReleaseOverride(Override(by: "bo", role: "operator", reason: "rush"), permittedRoles: ["supervisor", "planner"])
        },
        Case(name: "consume override by another role", code: .overridePermission, detail: "the role operator may not consume beyond the reservation") {
            _ = try MaterialGate.consume(
                "WO-1", item: "C", quantity: Quantity(3), reserved: Quantity(2), override: Override(by: "bo", role: "operator", reason: "rush"),
                permittedRoles: ["planner"])
        },
        // beyond-reservation
        Case(name: "consume beyond", code: .beyondReservation,
             detail: "WO-1 has 2 of C reserved; consuming 3 needs an override with a reason") {
            _ = try MaterialGate.consume("WO-1", item: "C", quantity: Quantity(3), reserved: Quantity(2), override: nil, permittedRoles: [])
        },
        // blocked-by-quality
        Case(name: "finish blocked", code: .blockedByQuality,
             detail: "quality point QP failed for WO-1 and blocks the operation: record a passing check first") {
            _ = try WorkOrderLifecycle.progress(order(.inProgress, [(10, .running)]), sequence: 10, step: .finished, blockingPoint: "QP")
        },
        Case(name: "output blocked", code: .blockedByQuality,
             detail: "quality point QP failed for WO-1: record a passing check before reporting output") {
            try WorkOrderLifecycle.reportOutput(order(.inProgress), blockingPoint: "QP")
        },
    ]

    @Test func everyCodeHasACase() {
        #expect(Set(Self.cases.map(\.code.rawValue)) == Set(ProductionRefusal.Code.allCases.map(\.rawValue)))
    }

    @Test(arguments: cases)
    func refusal(_ refusal: Case) {
        #expect { try refusal.decide() } throws: { error in
            guard let error = error as? ProductionRefusal else { return false }
            #expect(error.code == refusal.code && error.detail == refusal.detail, "\(error.detail)")
            return true
        }
    }

    static let statuses: [(ProductionRefusal.Code, Int)] = [
        (.notFound, 404), (.invalidTransition, 409), (.shortage, 409), (.beyondReservation, 409), (.blockedByQuality, 409),
        (.overridePermission, 403), (.invalid, 422),
    ]

    @Test func everyCodeHasAStatus() {
        #expect(Set(Self.statuses.map(\.0.rawValue)) == Set(ProductionRefusal.Code.allCases.map(\.rawValue)))
    }

    @Test(arguments: statuses)
    func answersWithItsStatus(_ code: ProductionRefusal.Code, _ status: Int) {
        let problem = ProductionRefusal(code, "why", shortages: code == .shortage ? [Self.short] : nil).problem
        #expect(problem == ProblemDetails(code: code.rawValue, title: "Refused", status: status, detail: "why",
                                          shortages: code == .shortage ? [Self.short] : nil))
    }

    @Test func aPermittedOverrideRecordsTheShortagesAndTheConsumptionBeyond() throws {
        let override = Override(by: "ana", role: "planner", reason: "rush")
        #expect(try MaterialGate.release("WO-1", source: "S", shortages: [Self.short], override: override, free: [:]) == [Self.short])
        #expect(try MaterialGate.release("WO-1", source: "S", shortages: [], override: nil, free: [:]).isEmpty)
        #expect(try MaterialGate.consume(
            "WO-1", item: "C", quantity: Quantity(3), reserved: Quantity(2), override: override, permittedRoles: ["planner"])
            == " Beyond the reservation by 1, allowed by ana (planner): rush.")
        #expect(try MaterialGate.consume("WO-1", item: "C", quantity: Quantity(2), reserved: Quantity(2), override: nil, permittedRoles: []) == nil)
    }

    @Test func blockingPointsFollowTheOperation() {
        let failing: [(point: String, operation: Int?)] = [("A", 20), ("B", nil), ("C", 10)]
        #expect(QualityRules.blockingPoint(failing, operation: nil) == "A")
        #expect(QualityRules.blockingPoint(failing, operation: 10) == "B")
        #expect(QualityRules.blockingPoint([("A", 20), ("C", 10)], operation: 10) == "C")
        #expect(QualityRules.blockingPoint([("A", 20)], operation: 10) == nil)
    }

    @Test(arguments: [
        (Quantity(1), true, nil, nil), (Quantity(2), true, nil, nil), (Quantity(3), false, "width 3 outside 1…2", "quarantined"),
    ] as [(Quantity, Bool, String?, String?)])
    func measurementsPassWithinTheirLimits(_ value: Quantity, _ passed: Bool, _ reason: String?, _ disposition: String?) throws {
        let outcome = try QualityRules.outcome(
            at: Self.point, named: "QP", passed: nil, value: value, workOrder: "WO-1", workOrderFound: true, lot: "L1", location: "S",
            quantity: Quantity(4), quarantineLocation: "Q")
        #expect(outcome.passed == passed && outcome.reason == reason && outcome.disposition == disposition && outcome.item == "P")
        #expect(outcome.quarantine == (passed ? nil : QualityOutcome.Quarantine(lot: "L1", from: "S", to: "Q", quantity: Quantity(4))))
    }

    @Test func aFailedBlockingPointBlocksAndNeedsNoLot() throws {
        var point = Self.point
        point.kind = .passFail
        point.onFailure = .block
        let outcome = try QualityRules.outcome(
            at: point, named: "QP", passed: false, value: nil, workOrder: nil, workOrderFound: true, lot: nil, location: nil, quantity: nil,
            quarantineLocation: nil)
        #expect(!outcome.passed && outcome.blocks && outcome.reason == "width failed" && outcome.disposition == "blocked" && outcome.quarantine == nil)
    }
}
